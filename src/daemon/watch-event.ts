import { assertNever } from "../core/assert-never.ts";
import type { WatchDirRole, WatchPathRole } from "../core/daemon/watch-paths.ts";

export const WATCH_EVENT_KINDS = [
  "file-added",
  "file-changed",
  "file-removed",
  "dir-added",
  "dir-removed",
  "error",
  "ready",
] as const;
export type WatchEventKind = (typeof WATCH_EVENT_KINDS)[number];

/** What the watcher saw of a file when it had stats to hand; the settle step stats again anyway. */
export type WatchStat = { readonly size: number; readonly mtimeMs: number; readonly ino: number };

/** A watcher fault that is not fs noise (ENOENT/ENOTDIR are dropped before this): inotify limits, EACCES, EIO. */
export type WatchErrorEvent = {
  readonly kind: "error";
  /** errno-style code (`ENOSPC`, `EMFILE`, `EACCES`) or `unknown`. */
  readonly code: string;
  readonly message: string;
  readonly path?: string;
};

/**
 * One hint from a watcher (chokidar or the targeted poller). A hint is never proof that a checkpoint is complete:
 * `file-added`/`file-changed` mean "look at this path", and the settle scheduler decides.
 */
export type WatchEvent =
  | {
      readonly kind: "file-added" | "file-changed";
      readonly path: string;
      readonly role: WatchPathRole;
      readonly stat?: WatchStat;
    }
  | { readonly kind: "file-removed"; readonly path: string; readonly role: WatchPathRole }
  | { readonly kind: "dir-added" | "dir-removed"; readonly path: string; readonly role: WatchDirRole }
  | WatchErrorEvent
  | { readonly kind: "ready" };

/** The path an event is about, if any. */
export function watchEventPath(event: WatchEvent): string | undefined {
  return event.kind === "ready" ? undefined : event.path;
}

/**
 * The path whose completeness an event puts in question: the checkpoint file itself, or the checkpoint directory
 * a member file belongs to. Undefined for metric files, plain directories, errors and `ready`.
 */
export function settlePathOf(event: WatchEvent): string | undefined {
  switch (event.kind) {
    case "file-added":
    case "file-changed":
    case "file-removed":
      return event.role.kind === "checkpoint-file"
        ? event.path
        : event.role.kind === "checkpoint-dir-member"
          ? event.role.checkpointDir
          : undefined;
    case "dir-added":
    case "dir-removed":
      return event.role === "checkpoint-dir" ? event.path : undefined;
    case "error":
    case "ready":
      return undefined;
    default:
      return assertNever(event);
  }
}

/** One short line for logs and tests: `file-added checkpoint-file /runs/a/best.ckpt`. */
export function describeWatchEvent(event: WatchEvent): string {
  switch (event.kind) {
    case "file-added":
    case "file-changed":
    case "file-removed":
      return `${event.kind} ${event.role.kind} ${event.path}`;
    case "dir-added":
    case "dir-removed":
      return `${event.kind} ${event.role} ${event.path}`;
    case "error":
      return `error ${event.code}${event.path === undefined ? "" : ` ${event.path}`}: ${event.message}`;
    case "ready":
      return "ready";
    default:
      return assertNever(event);
  }
}
