import type { LogFields, Logger, LogLevel } from "../io/process/logger.ts";

/** One problem as `ckpt status` shows it. */
export type JournalError = { readonly at: number; readonly message: string; readonly path: string | null };

export type DaemonJournal = {
  /** Logs one line and remembers it as the last event; warnings and errors also count for `status`. */
  log(level: LogLevel, message: string, fields?: LogFields): void;
  /**
   * Logs a problem the first time `key` is seen (a read-only dir or an unreadable file is met again by every
   * reconcile; the log says it once). Returns whether it was logged.
   */
  once(key: string, level: "warn" | "error", message: string, fields?: LogFields): boolean;
  /** Forget a problem so it is logged again if it comes back (its file was fixed or removed). */
  clear(key: string): void;
  lastEvent(): { readonly at: number; readonly message: string } | null;
  /** Warnings and errors logged within `windowMs` of now, newest last. */
  errorsWithin(windowMs: number): JournalError[];
};

/** Kept for `status`; older entries fall off. */
const MAX_ERRORS = 500;
/** A daemon that runs for weeks must not remember every path it ever warned about. */
const MAX_ONCE_KEYS = 50_000;

export function createDaemonJournal(options: {
  readonly logger: Logger;
  readonly now: () => number;
}): DaemonJournal {
  const { logger, now } = options;
  const errors: JournalError[] = [];
  const seen = new Set<string>();
  let last: { at: number; message: string } | null = null;

  const log = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    logger.log(level, message, fields);
    if (level === "debug") return;
    const path = typeof fields["path"] === "string" ? fields["path"] : null;
    last = { at: now(), message: path === null ? message : `${message}: ${path}` };
    if (level === "warn" || level === "error") {
      const cause = typeof fields["cause"] === "string" ? ` (${fields["cause"]})` : "";
      errors.push({ at: now(), message: `${message}${cause}`, path });
      if (errors.length > MAX_ERRORS) errors.splice(0, errors.length - MAX_ERRORS);
    }
  };

  return {
    log,
    once(key, level, message, fields) {
      if (seen.has(key)) return false;
      if (seen.size >= MAX_ONCE_KEYS) seen.clear();
      seen.add(key);
      log(level, message, fields);
      return true;
    },
    clear: (key) => void seen.delete(key),
    lastEvent: () => last,
    errorsWithin(windowMs) {
      const since = now() - windowMs;
      return errors.filter((error) => error.at >= since);
    },
  };
}
