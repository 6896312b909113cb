import { AppError } from "../core/errors/app-error.ts";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { watchS3Prefixes } from "../daemon/s3-prefix-watch.ts";
import type { S3Session } from "../io/object-store/s3-session.ts";
import { createLogger } from "../io/process/logger.ts";
import type { CommandContext, ProcessControl } from "./command.ts";
import type { WatchSettings } from "./watch-detach.ts";
import { busyError, stopRequest } from "./watch-stop.ts";

const DEFAULT_S3_POLL_MS = 5000;

/** `ckpt watch s3://…`: lists the prefixes (adaptive interval) until SIGTERM/SIGINT or `ckpt stop` (by signal). */
export async function watchObjectStore(
  context: CommandContext,
  options: {
    control: ProcessControl;
    settings: WatchSettings;
    session: S3Session;
    explicitSidecars: boolean;
  },
): Promise<number> {
  const { control, settings } = options;
  if (!settings.roots.every(isS3Url))
    throw new AppError(
      "usage",
      "watch: s3:// prefixes and local directories cannot be watched by one 'ckpt watch' yet; watch them with separate catalogs (--catalog)",
    );
  const logger = createLogger({
    sink: context.stderr,
    format: settings.logFormat,
    now: context.now,
    minLevel: settings.logLevel,
  });
  const { stopRequested, requestStop } = stopRequest(logger);
  const unsubscribe = [
    control.onSignal("SIGTERM", () => requestStop("SIGTERM")),
    control.onSignal("SIGINT", () => requestStop("SIGINT")),
  ];
  try {
    const watched = await watchS3Prefixes({
      roots: settings.roots,
      catalogPath: settings.location.path,
      // Writing into a shared bucket is asked for, never a default.
      sidecars: options.explicitSidecars ? settings.sidecars : "read",
      session: options.session,
      logger,
      now: context.now,
      pid: control.pid,
      noWal: settings.location.networkMount !== null,
      activeMs: settings.pollIntervalMs ?? DEFAULT_S3_POLL_MS,
      stopRequested,
    });
    if (!watched.success) throw busyError(settings.location, watched.error.holder?.pid);
    return 0;
  } finally {
    for (const off of unsubscribe) off();
  }
}
