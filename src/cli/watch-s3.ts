import { AppError } from "../core/errors/app-error.ts";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { serveDaemonControl } from "../daemon/daemon-control.ts";
import type { PrefixElection } from "../daemon/s3-prefix-poller.ts";
import { startS3PrefixWatch } from "../daemon/s3-prefix-watch.ts";
import { createS3WatchControl } from "../daemon/s3-watch-control.ts";
import { catalogHost } from "../io/catalog/catalog-host.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import type { PollerElection } from "../io/catalog/poller-election.ts";
import type { S3Session } from "../io/object-store/s3-session.ts";
import { createLogger, type Logger } from "../io/process/logger.ts";
import type { CommandContext, ProcessControl, TextSink } from "./command.ts";
import { daemonPathsFor } from "./daemon-socket.ts";
import { type LogFileSink, openLogFileSink } from "./log-file-sink.ts";
import { startWatchPublisher } from "./shared-publish.ts";
import type { WatchSettings } from "./watch-detach.ts";
import { busyError, stopRequest } from "./watch-stop.ts";

const DEFAULT_S3_POLL_MS = 5000;

/** With a shared catalog, one host polls each prefix (and publishes its rows); null with a local one. */
async function openElection(
  context: CommandContext,
  location: CatalogLocation,
): Promise<(PrefixElection & { close(): Promise<void> }) | null> {
  if (location.shared === undefined) return null;
  const { openPostgresCatalogStore } = await import("../io/catalog/postgres-catalog-store.ts");
  const { createPollerElection } = await import("../io/catalog/poller-election.ts");
  const shared = await openPostgresCatalogStore(location.shared, { host: catalogHost(context.env) });
  const election: PollerElection = createPollerElection({
    url: location.shared,
    host: shared.host,
    shared: shared.sql,
  });
  return {
    lead: (root) => election.lead(root),
    claim: (root) => election.claim(root),
    close: async () => {
      await election.close();
      await shared.close();
    },
  };
}

function watchLogger(
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

/**
 * `ckpt watch s3://…`: a poller per prefix (one host per prefix with a shared catalog) until SIGTERM/SIGINT or
 * `ckpt stop`; answers `ckpt status`, `stop` and `watch --add/--remove` on the catalog's socket, as the directory
 * watcher does, and publishes its rows with a shared catalog.
 */
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
  options.session.settings();
  const { logger, file } = watchLogger(context, settings);
  const election = await openElection(context, settings.location);
  const started = startS3PrefixWatch({
    roots: settings.roots,
    catalogPath: settings.location.path,
    // Writing into a shared bucket is asked for, never a default.
    sidecars: options.explicitSidecars ? settings.sidecars : "read",
    session: options.session,
    logger,
    now: context.now,
    pid: control.pid,
    version: context.version,
    noWal: settings.location.networkMount !== null,
    activeMs: settings.pollIntervalMs ?? DEFAULT_S3_POLL_MS,
    election,
    logPath: settings.logFile ?? null,
  });
  if (!started.success) {
    await election?.close();
    file?.close();
    throw busyError(settings.location, started.error.holder?.pid);
  }
  const watch = started.data;
  const { stopRequested, requestStop } = stopRequest(logger);
  const handlers = createS3WatchControl({
    watch,
    session: options.session,
    now: context.now,
    stop: () => {
      requestStop("ckpt stop");
      return "stopping";
    },
  });
  const hangUp = () => watch.listNow();
  const unsubscribe = [
    control.onSignal("SIGTERM", () => requestStop("SIGTERM")),
    control.onSignal("SIGINT", () => requestStop("SIGINT")),
    control.onSignal("SIGHUP", () => {
      file?.reopen();
      void hangUp();
    }),
  ];
  const server = await serveDaemonControl({
    control: { handlers, hangUp },
    paths: daemonPathsFor(context, settings.location.path, control.uid),
    uid: control.uid,
    logger,
  });
  // Published once every prefix had its first round: a prefix another host polls has no rows here by then.
  await Promise.race([watch.firstRounds, stopRequested]);
  const publisher = await startWatchPublisher(context, settings.location, logger);
  await stopRequested;
  await watch.stop();
  await publisher?.stop();
  await election?.close();
  await server?.close();
  for (const off of unsubscribe) off();
  file?.close();
  return 0;
}
