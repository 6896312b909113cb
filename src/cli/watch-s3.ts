import { AppError } from "../core/errors/app-error.ts";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { type S3PrefixWatch, startS3PrefixWatch } from "../daemon/s3-prefix-watch.ts";
import { serveS3WatchControl } from "../daemon/s3-watch-control.ts";
import type { PollerElection } from "../io/catalog/poller-election.ts";
import type { PostgresCatalogStore } from "../io/catalog/postgres-catalog-store.ts";
import type { S3Session } from "../io/object-store/s3-session.ts";
import type { Logger } from "../io/process/logger.ts";
import type { CommandContext, ProcessControl } from "./command.ts";
import { daemonPathsFor } from "./daemon-socket.ts";
import type { LogFileSink } from "./log-file-sink.ts";
import { openWatchStore, startWatchPublisher } from "./shared-publish.ts";
import type { WatchSettings } from "./watch-detach.ts";
import { watchLogger } from "./watch-logger.ts";
import { busyError, stopRequest } from "./watch-stop.ts";

const DEFAULT_S3_POLL_MS = 5000;

/** What `ckpt watch s3://…` runs with: the process's control, the parsed settings and the S3 session. */
type S3WatchOptions = {
  readonly control: ProcessControl;
  readonly settings: WatchSettings;
  readonly session: S3Session;
  readonly explicitSidecars: boolean;
};

/**
 * The watch of `settings`, with its election when the catalog is shared (one host polls each prefix and publishes
 * its rows); a second watcher of the catalog is refused as for directories. The shared store is opened once: the
 * election's claims and the publisher share its connections.
 */
async function startWatch(context: CommandContext, options: S3WatchOptions, logger: Logger) {
  const { settings } = options;
  const url = settings.location.shared;
  const shared = await openWatchStore(context, settings.location);
  const election = shared === null || url === undefined ? null : await electionOn(shared, url);
  const started = startS3PrefixWatch({
    roots: settings.roots,
    catalogPath: settings.location.path,
    // Writing into a shared bucket is asked for, never a default.
    sidecars: options.explicitSidecars ? settings.sidecars : "read",
    session: options.session,
    logger,
    now: context.now,
    pid: options.control.pid,
    version: context.version,
    noWal: settings.location.networkMount !== null,
    activeMs: settings.pollIntervalMs ?? DEFAULT_S3_POLL_MS,
    election,
    logPath: settings.logFile ?? null,
  });
  if (started.success) return { watch: started.data, election, shared };
  await election?.close();
  await shared?.close();
  throw busyError(settings.location, started.error.holder?.pid);
}

/** Leases on pools of their own (a held lease keeps its connection); claims through the shared store. */
async function electionOn(shared: PostgresCatalogStore, url: string): Promise<PollerElection> {
  const { createPollerElection } = await import("../io/catalog/poller-election.ts");
  return createPollerElection({ url, host: shared.host, shared: shared.sql });
}

/** Signals and the control socket lead to `stopRequested`; `close` lets both go. */
async function serveUntilStopped(
  context: CommandContext,
  options: {
    control: ProcessControl;
    settings: WatchSettings;
    session: S3Session;
    watch: S3PrefixWatch;
    logger: Logger;
    file: LogFileSink | null;
  },
) {
  const { control, watch, logger, file } = options;
  const { stopRequested, requestStop } = stopRequest(logger);
  const unsubscribe = [
    control.onSignal("SIGTERM", () => requestStop("SIGTERM")),
    control.onSignal("SIGINT", () => requestStop("SIGINT")),
    control.onSignal("SIGHUP", () => {
      file?.reopen();
      void watch.listNow();
    }),
  ];
  const server = await serveS3WatchControl({
    watch,
    session: options.session,
    now: context.now,
    stop: () => {
      requestStop("ckpt stop");
      return "stopping";
    },
    paths: daemonPathsFor(context, options.settings.location.path, control.uid),
    uid: control.uid,
    logger,
  });
  const close = async () => {
    await server?.close();
    for (const off of unsubscribe) off();
  };
  return { stopRequested, close };
}

/**
 * `ckpt watch s3://…`: a poller per prefix (one host per prefix with a shared catalog) until SIGTERM/SIGINT or
 * `ckpt stop`; answers `ckpt status`, `stop` and `watch --add/--remove` on the catalog's socket, as the directory
 * watcher does, and publishes its rows with a shared catalog.
 */
export async function watchObjectStore(context: CommandContext, options: S3WatchOptions): Promise<number> {
  const { settings } = options;
  if (!settings.roots.every(isS3Url))
    throw new AppError(
      "usage",
      "watch: s3:// prefixes and local directories cannot be watched by one 'ckpt watch' yet; watch them with separate catalogs (--catalog)",
    );
  options.session.settings();
  const { logger, file } = watchLogger(context, settings);
  const { watch, election, shared } = await startWatch(context, options, logger).catch((error: unknown) => {
    file?.close();
    throw error;
  });
  const served = await serveUntilStopped(context, { ...options, watch, logger, file });
  // Published once every prefix had its first round: a prefix another host polls has no rows here by then.
  await Promise.race([watch.firstRounds, served.stopRequested]);
  const publisher = await startWatchPublisher(context, { location: settings.location, logger, shared });
  await served.stopRequested;
  await watch.stop();
  await publisher?.stop();
  await election?.close();
  await shared?.close();
  await served.close();
  file?.close();
  return 0;
}
