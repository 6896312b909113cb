import type { Database } from "bun:sqlite";
import type { TextSink } from "../cli/command.ts";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import {
  createLogger,
  type LogFields,
  type LogFormat,
  type Logger,
  type LogLevel,
} from "../io/process/logger.ts";
import type { ControlServer } from "./control-socket.ts";
import { createDaemonControl, serveDaemonControl } from "./daemon-control.ts";
import { type DaemonLoop, startDaemonLoop } from "./daemon-loop.ts";
import { notWatching, statusBarLine } from "./watcher-status-line.ts";

export type EmbeddedWatcherOptions = {
  /** Full log lines go here (a log pane or file); nothing is written when absent. */
  readonly sink?: TextSink;
  /** @default "text" */
  readonly logFormat?: LogFormat;
  /** A short line per event worth a status bar: "checkpoint indexed best.ckpt". */
  readonly onEvent?: (message: string) => void;
  /** @default "read": the TUI is a read command and never writes into the user's directories */
  readonly sidecars?: SidecarMode;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * Answer on the catalog's control socket as `ckpt watch` does, so `ckpt status` sees this watcher and `ckpt scan`
   * can ask it to scan. `owner` names the command it runs in: `ckpt stop` is told to quit that instead.
   */
  readonly control?: {
    readonly paths: { readonly runtimeDir: string; readonly socketPath: string };
    readonly uid: number;
    readonly owner: string;
  };
};

export type EmbeddedWatcher = {
  stop(): Promise<void>;
  /** Reconcile now (the TUI's `r`); says what was done. */
  rescan(): Promise<string>;
  /** The loop's catalog connection, to write while it holds the lock; absent when another process holds it. */
  withCatalog?: <T>(work: (database: Database) => T) => T;
};

function fanOut(options: EmbeddedWatcherOptions, now: () => number): Logger {
  const file =
    options.sink === undefined
      ? null
      : createLogger({ sink: options.sink, format: options.logFormat ?? "text", now });
  const onEvent = options.onEvent;
  return {
    log(level: LogLevel, message: string, fields: LogFields = {}) {
      file?.log(level, message, fields);
      if (onEvent !== undefined && level !== "debug") onEvent(statusBarLine(message, fields));
    },
  };
}

/**
 * The `ckpt watch` loop inside another process (the TUI): same lock, events, settle, queue and reconcile, but no
 * socket, no signals, no detaching and no change to the process's priority. When a `ckpt watch` already keeps
 * the catalog current this does nothing and says so through `onEvent`.
 */
export async function startEmbeddedWatcher(
  roots: readonly string[],
  catalogPath: string,
  options: EmbeddedWatcherOptions = {},
): Promise<EmbeddedWatcher> {
  const now = options.now ?? (() => Date.now());
  const logger = fanOut(options, now);
  const started = startDaemonLoop({
    roots,
    catalogPath,
    sidecars: options.sidecars ?? "read",
    logger,
    now,
    pid: process.pid,
    version: "embedded",
    lowerPriority: false,
  });
  if (!started.success) return notWatching(started.error.holder, options.onEvent);
  const loop = started.data;
  // On the socket as soon as the lock is held, as `ckpt watch` is: a `ckpt scan` from another shell while the
  // first walk of a large tree runs is queued behind it, not told that the holder cannot be asked.
  const server = await serveControl(loop, { roots, logger, options });
  try {
    await loop.ready;
  } catch (error) {
    await server?.close();
    await loop.stop();
    throw error;
  }
  return {
    stop: async () => {
      await server?.close();
      await loop.stop();
    },
    rescan: async () => loop.rescan(),
    withCatalog: (work) => loop.withCatalog(work),
  };
}

function serveControl(
  loop: DaemonLoop,
  context: { roots: readonly string[]; logger: Logger; options: EmbeddedWatcherOptions },
): Promise<ControlServer | null> {
  const control = context.options.control;
  if (control === undefined) return Promise.resolve(null);
  const daemon = createDaemonControl({
    loop,
    roots: context.roots,
    logger: context.logger,
    stop: () => ({
      ok: false,
      message: `this watcher runs inside ${control.owner} (pid ${process.pid}) and stops when it quits; quit it instead`,
    }),
  });
  return serveDaemonControl({
    control: daemon,
    paths: control.paths,
    uid: control.uid,
    logger: context.logger,
  });
}
