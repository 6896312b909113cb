import { errorCodeOf } from "../core/errors/error-code.ts";
import type { WatchErrorEvent } from "./watch-event.ts";

/** Paths vanish between an event and its stat all the time (rotation, temp files); that is noise, not a fault. */
const NOISE_CODES = new Set(["ENOENT", "ENOTDIR"]);

/** A watcher's error (chokidar's or `fs.watch`'s) into our shape; undefined for noise. */
export function toWatchError(error: unknown): WatchErrorEvent | undefined {
  const code = errorCodeOf(error) ?? "unknown";
  if (NOISE_CODES.has(code)) return undefined;
  const path = error instanceof Error && "path" in error ? String(error.path) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "error", code, message, ...(path === undefined ? {} : { path }) };
}
