import { basename } from "node:path";
import type { LockHolder } from "../io/catalog/catalog-lock.ts";
import type { LogFields } from "../io/process/logger.ts";

/** What an embedded watcher that does not run answers: the TUI's `r` gets the same sentence. */
type IdleWatcher = { stop(): Promise<void>; rescan(): Promise<string> };

/**
 * A status bar's line of a log event: the message, then what it is about — a checkpoint's file name, a watched
 * prefix, how many were added. "checkpoint indexed best.ckpt", "prefix listed s3://b/runs: 2 added".
 */
export function statusBarLine(message: string, fields: LogFields): string {
  const path = typeof fields["path"] === "string" ? ` ${basename(fields["path"])}` : "";
  const root = typeof fields["root"] === "string" ? ` ${fields["root"]}` : "";
  const added = typeof fields["added"] === "number" ? `: ${fields["added"]} added` : "";
  return `${message}${path}${root}${added}`;
}

/** Another process holds the catalog (a `ckpt watch`): the embedded watcher says so once and only reads. */
export function notWatching(holder: LockHolder | null, onEvent?: (message: string) => void): IdleWatcher {
  const message =
    holder === null
      ? "another ckpt holds the catalog; not watching"
      : `ckpt ${holder.command} (pid ${holder.pid}) keeps the catalog current`;
  onEvent?.(message);
  return { stop: async () => {}, rescan: async () => message };
}
