import { isAbsolute, relative } from "node:path";

// Path spellings the walk and the catalog share: a directory as rows record it, roots without overlaps, and
// children joined by hand.

/** A directory as rows record it: no trailing slash (but "/" itself). */
export function directoryKey(directory: string): string {
  const trimmed = directory.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

/** `path` relative to `root` when inside it (`.` for the root itself), else null. */
export function pathUnderRoot(root: string, path: string): string | null {
  const shown = relative(root, path);
  const outside = shown === ".." || shown.startsWith("../") || isAbsolute(shown);
  return outside ? null : shown === "" ? "." : shown;
}

/**
 * The root a path was found under: the innermost of `roots` that holds it (a root inside another root wins), else
 * the first root. `checkpoint_path` and the run-file search are relative to it.
 */
export function scanRootOf(path: string, roots: readonly string[]): string {
  let best: string | undefined;
  for (const root of roots) if (isWithin(path, root) && root.length > (best?.length ?? -1)) best = root;
  return best ?? roots[0] ?? path;
}

/** Whether `path` is `directory` or lies below it (a sibling sharing its name as a prefix does not). */
export function isWithin(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory.endsWith("/") ? directory : `${directory}/`);
}

/** The roots without repeats and without those inside another root, which the walk would meet twice. */
export function outermostRoots(roots: readonly string[]): string[] {
  const keys = [...new Set(roots.map(directoryKey))];
  return keys.filter((root) => !keys.some((other) => other !== root && isWithin(root, other)));
}

// Joined by hand: the names come from readdir, so `join`'s normalisation has nothing to do (a tenth of a walk).
export function joinName(directory: string, name: string): string {
  return directory.endsWith("/") ? `${directory}${name}` : `${directory}/${name}`;
}
