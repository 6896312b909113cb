import { createLogger, type Logger } from "../io/process/logger.ts";
import type { CommandContext, TextSink } from "./command.ts";
import { type LogFileSink, openLogFileSink } from "./log-file-sink.ts";
import type { WatchSettings } from "./watch-detach.ts";

/** A watcher's logger: to `--log-file` when given (reopened on SIGHUP by the caller), else to stderr. */
export function watchLogger(
  context: CommandContext,
  settings: WatchSettings,
): { logger: Logger; file: LogFileSink | null } {
  const file = settings.logFile === undefined ? null : openLogFileSink(settings.logFile);
  const sink: TextSink = file ?? context.stderr;
  const logger = createLogger({
    sink,
    format: settings.logFormat,
    now: context.now,
    minLevel: settings.logLevel,
  });
  return { logger, file };
}
