import { notWatching, statusBarLine } from "../daemon/watcher-status-line.ts";
import type { S3Session } from "../io/object-store/s3-session.ts";
import type { LogFields, Logger, LogLevel } from "../io/process/logger.ts";
import type { CommandContext } from "./command.ts";
import { daemonPathsFor, processControlOf } from "./daemon-socket.ts";
import type { StartEmbeddedWatcher } from "./tui-embedded-watcher.ts";

/** How often the TUI lists its prefixes while objects change, backing off to a minute when none do. */
const TUI_LIST_MS = 5000;

/** The status bar's lines of the watch's log events (debug ones stay out). */
function statusBarLogger(onEvent: (message: string) => void): Logger {
  return {
    log(level: LogLevel, message: string, fields: LogFields = {}) {
      if (level !== "debug") onEvent(statusBarLine(message, fields));
    },
  };
}

/**
 * `ckpt tui s3://…` keeps the catalog current itself when no `ckpt watch` does: the S3 prefix watch in-process,
 * reading sidecars but writing none (the TUI is a read command), on the catalog's socket so `ckpt status` sees it.
 */
export function s3PrefixWatcher(context: CommandContext, session: S3Session): StartEmbeddedWatcher {
  return async (roots, catalogPath, watchOptions) => {
    const { startS3PrefixWatch } = await import("../daemon/s3-prefix-watch.ts");
    const { serveS3WatchControl } = await import("../daemon/s3-watch-control.ts");
    const control = processControlOf(context, "tui");
    const started = startS3PrefixWatch({
      roots,
      catalogPath,
      sidecars: "read",
      session,
      logger: statusBarLogger(watchOptions.onEvent),
      now: context.now,
      pid: control.pid,
      version: context.version,
      noWal: false,
      activeMs: TUI_LIST_MS,
    });
    if (!started.success) return notWatching(started.error.holder, watchOptions.onEvent);
    const watch = started.data;
    const server = await serveS3WatchControl({
      watch,
      session,
      now: context.now,
      stop: () => ({
        ok: false,
        message: `this watcher runs inside ckpt tui (pid ${control.pid}) and stops when it quits; quit it instead`,
      }),
      paths: daemonPathsFor(context, catalogPath, control.uid),
      uid: control.uid,
      logger: statusBarLogger(watchOptions.onEvent),
    });
    return {
      stop: async () => {
        await server?.close();
        await watch.stop();
      },
      rescan: () => watch.listNow(),
      withCatalog: (work) => watch.withCatalog(work),
    };
  };
}
