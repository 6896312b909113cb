import { lstatSync, type Stats, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fsPath, readDirectoryEntries, realPathSync } from "./fs-path.ts";

export type ListedEntry = { readonly name: string; readonly isDir: boolean };

/**
 * `stat` and directory listings remembered for the span of one scan: the checkpoints of a run share their
 * directories, so locating the run files of 100 checkpoints of one run lists and stats those directories once.
 * Never keep one across scans (run files appear between them).
 */
export type FsMemo = {
  readonly stats: Map<string, Stats | undefined>;
  readonly lists: Map<string, ListedEntry[]>;
  readonly realPaths: Map<string, string>;
  /** What a caller derived from the stats and listings above alone (the locator's run root of a directory). */
  readonly derived: Map<string, unknown>;
  /** `scan`: shared by many checkpoints, so listing a directory once pays; `checkpoint`: one checkpoint's look. */
  readonly scope: "scan" | "checkpoint";
};

export function createFsMemo(scope: FsMemo["scope"] = "scan"): FsMemo {
  return { stats: new Map(), lists: new Map(), realPaths: new Map(), derived: new Map(), scope };
}

// Listing more than this of one directory would not find run files any better.
const MAX_LISTED = 2000;
// A memo is a cache: past this many entries it starts again rather than grow with the tree (peak RSS at 100k).
const MAX_REMEMBERED = 20_000;

export function remember<T>(map: Map<string, T> | undefined, key: string, value: T): void {
  if (map === undefined) return;
  if (map.size >= MAX_REMEMBERED) map.clear();
  map.set(key, value);
}

/** `stat` that treats any failure (vanished, ENOTDIR, EACCES) as "not there": run dirs change under our feet. */
export function statOrUndefined(memo: FsMemo | null, path: string): Stats | undefined {
  if (memo?.stats.has(path)) return memo.stats.get(path);
  let stats: Stats | undefined;
  try {
    // No exception for the usual "not there": most of a locator's looks are misses, and a throw costs 2–3×.
    stats = statSync(fsPath(path), { throwIfNoEntry: false });
  } catch {
    stats = undefined;
  }
  remember(memo?.stats, path, stats);
  return stats;
}

/** The entries of a directory (at most 2,000), symlinks to directories counted as directories; [] if unreadable. */
export function listDirectory(memo: FsMemo | null, dir: string): ListedEntry[] {
  const known = memo?.lists.get(dir);
  if (known !== undefined) return known;
  let listed: ListedEntry[];
  try {
    // Most directories asked about are not there (wandb/, mlruns/ at each level): a stat that does not throw
    // answers those, where a failed readdir would build an exception each time.
    if (statOrUndefined(memo, dir)?.isDirectory() !== true) listed = [];
    else
      listed = readDirectoryEntries(dir)
        .slice(0, MAX_LISTED)
        .map((entry) => ({
          name: entry.name,
          isDir:
            entry.isDirectory() ||
            (entry.isSymbolicLink() &&
              (statOrUndefined(memo, join(dir, entry.name))?.isDirectory() ?? false)),
        }));
  } catch {
    listed = [];
  }
  remember(memo?.lists, dir, listed);
  return listed;
}

/**
 * The names in a directory, from its remembered listing, for "does this file exist" over many checkpoints of one
 * directory; null without a scan's memo (one checkpoint's look: two stats beat listing a directory of hundreds)
 * or when the listing was cut at its cap. Null means: stat the path instead.
 */
function namesIn(memo: FsMemo | null, dir: string): ReadonlySet<string> | null {
  if (memo === null || (memo.scope === "checkpoint" && !memo.lists.has(dir))) return null;
  const key = `names:${dir}`;
  const known = memo.derived.get(key);
  if (known instanceof Set) return known;
  const listed = listDirectory(memo, dir);
  if (listed.length >= MAX_LISTED) return null;
  const names = new Set(listed.map((entry) => entry.name));
  remember(memo.derived, key, names);
  return names;
}

/**
 * Whether `path` exists, for files beside a checkpoint: looked up in its directory's remembered listing when the
 * scan has one, else stat'ed (and not remembered: each such path is asked about once).
 */
export function existsInDirectory(memo: FsMemo | null, path: string): boolean {
  const names = namesIn(memo, dirname(path));
  return names === null ? statOrUndefined(null, path) !== undefined : names.has(basename(path));
}

/** `realpath`, or the resolved path when it cannot be resolved (gone, unreadable). */
export function realPathOf(memo: FsMemo | null, path: string): string {
  const known = memo?.realPaths.get(path);
  if (known !== undefined) return known;
  let real: string;
  try {
    real = realPathSync(path);
  } catch {
    real = resolve(path);
  }
  remember(memo?.realPaths, path, real);
  return real;
}

/**
 * A checkpoint's real path, its (followed) stat and whether the path itself is a symlink. When it is not, this is
 * one `lstat` plus its directory's real path, remembered: `realpath` looks at every component of every path, a
 * tenth of a cold scan.
 */
export function realCheckpoint(
  memo: FsMemo | null,
  path: string,
): { readonly path: string; readonly stats: Stats | undefined; readonly symlink: boolean } {
  const absolute = resolve(path);
  let own: Stats;
  try {
    own = lstatSync(fsPath(absolute));
  } catch {
    return { path: realPathOf(null, absolute), stats: undefined, symlink: false };
  }
  if (own.isSymbolicLink()) {
    const real = realPathOf(null, absolute);
    return { path: real, stats: statOrUndefined(null, real), symlink: true };
  }
  return { path: realCheckpointPath(memo, absolute, false), stats: own, symlink: false };
}

/** A checkpoint's real path; `symlink: false` (the walk knows) saves even the `lstat`. */
export function realCheckpointPath(memo: FsMemo | null, path: string, symlink: boolean | undefined): string {
  if (symlink !== false) return realCheckpoint(memo, path).path;
  const absolute = resolve(path);
  const directory = realPathOf(memo, dirname(absolute));
  return directory === "/" ? `/${basename(absolute)}` : `${directory}/${basename(absolute)}`;
}

/** Whether `path` itself is a symlink (false when it cannot be looked at). */
export function isSymlink(path: string): boolean {
  try {
    return lstatSync(fsPath(path)).isSymbolicLink();
  } catch {
    return false;
  }
}
