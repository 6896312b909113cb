import { statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { errorCodeOf } from "../core/errors/error-code.ts";
import { fail, ok, type Result } from "../core/result.ts";
import { isWithin } from "../io/scan/walk-paths.ts";
import type { Loop } from "./daemon-loop-state.ts";
import type { RootScan, RootScanResult } from "./root-scan.ts";

// Changing what a running daemon covers, and the scans it runs for others: `ckpt watch --add/--remove` and
// `ckpt scan DIR` of a directory it does not watch. The daemon holds the catalog lock, so it does these itself.

/** Queues a scan and resolves with its result once the work queue has run it. */
export function scanForRequester(loop: Loop, scan: RootScan): Promise<RootScanResult> {
  if (loop.state === "stopping") return Promise.reject(new Error("ckpt watch is stopping; try again"));
  const { id, done } = loop.context.scans.start();
  loop.context.enqueue({ kind: "scan", id, scan });
  return done;
}

/** The root that already covers `path` (it, or one above it), if any. */
export function rootCovering(roots: readonly string[], path: string): string | undefined {
  return roots.find((root) => isWithin(path, root));
}

function checkNewRoot(loop: Loop, root: string): Result<string, string> {
  if (!isAbsolute(root)) return fail(`${root} is not an absolute path`);
  const covering = rootCovering(loop.roots, root);
  if (covering !== undefined)
    return fail(
      covering === root
        ? `${root} is watched already`
        : `${root} is watched already, as part of the root ${covering}`,
    );
  try {
    statSync(root);
  } catch (error) {
    const code = errorCodeOf(error) ?? "unreadable";
    return fail(`${root} cannot be watched (${code}); check the path`);
  }
  return ok(root);
}

/**
 * Starts watching `root` and catches up on what is already there (a reconcile of that root alone); resolves when
 * the catch-up is done. Refused when the root is watched already or is not there.
 */
export async function addRoot(loop: Loop, root: string): Promise<Result<RootScanResult, string>> {
  const checked = checkNewRoot(loop, root);
  if (!checked.success) return checked;
  const roots = [...loop.roots, root];
  await loop.source?.setRoots(roots);
  loop.roots = roots;
  loop.journal.log("info", "root added", { path: root, roots: roots.join(",") });
  const scan: RootScan = {
    roots: [root],
    sidecars: loop.options.sidecars,
    recursive: true,
    followSymlinks: loop.context.followSymlinks,
    purpose: "catch-up",
  };
  return ok(await scanForRequester(loop, scan));
}

/**
 * Stops watching `root`. Its rows stay: the catalog is a cache of what is on disk, and the checkpoints are still
 * there (`ckpt ls DIR` refreshes them). The only root is not removed: `ckpt stop` stops the daemon.
 */
export async function removeRoot(loop: Loop, root: string): Promise<Result<string, string>> {
  if (!loop.roots.includes(root))
    return fail(`${root} is not a root of this ckpt watch; its roots are ${loop.roots.join(", ")}`);
  if (loop.roots.length === 1)
    return fail(`${root} is the only root of this ckpt watch; 'ckpt stop' stops it`);
  const roots = loop.roots.filter((other) => other !== root);
  await loop.source?.setRoots(roots);
  loop.roots = roots;
  loop.journal.log("info", "root removed", { path: root, roots: roots.join(",") });
  return ok(`stopped watching ${root}; its checkpoints stay in the catalog`);
}

/** SIGHUP: take a new set of roots (if given) and reconcile them all. */
export async function reloadRoots(loop: Loop, roots?: readonly string[]): Promise<string> {
  if (roots !== undefined) {
    await loop.source?.setRoots(roots);
    loop.roots = [...roots];
  }
  loop.context.enqueue({ kind: "reconcile", reason: "reload" });
  loop.journal.log("info", "reloaded", { roots: loop.roots.join(",") });
  return `reloaded; watching ${loop.roots.length} roots, reconcile queued`;
}
