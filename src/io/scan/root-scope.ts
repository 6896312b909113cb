import { realPathOf } from "../fs/fs-memo.ts";
import { isWithin } from "./walk-paths.ts";

/**
 * The roots a walk or a watch was given, by real path, and whether symlinks may lead out of them. A root itself is
 * always followed (it was named on purpose); below it, a symlink is followed for reading only when it stays inside
 * the roots, unless the user said `--follow-symlinks`. ckpt often runs as root or a service account over trees
 * other users control: a `checkpoints -> /private/models` or `root_link -> /` must not take it elsewhere.
 */
export type RootScope = {
  readonly realRoots: readonly string[];
  readonly followSymlinks: boolean;
};

export function rootScopeOf(
  roots: readonly string[],
  options: { readonly followSymlinks?: boolean } = {},
): RootScope {
  return {
    realRoots: roots.map((root) => realPathOf(null, root)),
    followSymlinks: options.followSymlinks ?? false,
  };
}

/** The one follow rule: a path whose real path is `real` may be read when it lies inside a root, or on request. */
export function mayFollow(scope: RootScope, real: string): boolean {
  return scope.followSymlinks || scope.realRoots.some((root) => isWithin(real, root));
}

/** Why a symlink was not followed, naming it, where it leads and what to do. */
export function notFollowedMessage(path: string, real: string): string {
  return `${path}: symlink to ${real}, outside the directories given — not followed; pass --follow-symlinks to read it (ckpt then indexes it read-only)`;
}

/** The walk problem code of a symlink left alone by `mayFollow`: not an unreadable path, so its rows may go. */
export const NOT_FOLLOWED = "not-followed";
