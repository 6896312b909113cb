import { SIDECAR_MODES, type SidecarMode } from "../core/catalog/catalog-constants.ts";
import { AppError } from "../core/errors/app-error.ts";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { parseRetainSpec } from "../core/retention/retain-spec.ts";
import { createDaemonControl, serveDaemonControl } from "../daemon/daemon-control.ts";
import { startDaemonLoop } from "../daemon/daemon-loop.ts";
import { WATCHER_BACKENDS } from "../daemon/event-source.ts";
import type { StandingRetention } from "../daemon/standing-retention.ts";
import { renderSystemdUnit } from "../daemon/systemd-unit.ts";
import { LOG_FORMATS, LOG_LEVELS } from "../io/process/logger.ts";
import { locateCatalog, resolveRoots } from "./catalog-session.ts";
import type { Command, CommandContext, ProcessControl } from "./command.ts";
import { daemonPathsFor, processControlOf } from "./daemon-socket.ts";
import { oneOf, parseFlags } from "./parse-flags.ts";
import { S3_FLAGS } from "./s3-flags.ts";
import { s3SessionOf } from "./s3-session-of.ts";
import { startWatchPublisher } from "./shared-publish.ts";
import { detachWatch, type WatchSettings } from "./watch-detach.ts";
import { watchLogger } from "./watch-logger.ts";
import { changeDaemonRoots } from "./watch-roots.ts";
import { busyError, stopRequest } from "./watch-stop.ts";

const USAGE = `Usage: ckpt watch DIR... [options]

Runs beside training and keeps the catalog current: each checkpoint is read once it has finished writing, its
sidecar written and its catalog row updated. Runs in the foreground (tmux, nohup, systemd) and logs one line per
event to stderr. Anything written while it was down is caught up at start, and every few minutes.

Options:
  --catalog PATH          the catalog database (default $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db); a
                          postgres://… URL keeps this host's catalog at the default place and publishes its rows
                          there as host $CKPT_HOST (default: the hostname), for every host's 'ckpt ls' to read
  --poll[=SECONDS]        poll the run directories instead of using inotify (NFS/Lustre, where other hosts
                          write); active runs every SECONDS (default 3), idle ones back off to a minute
  --watcher BACKEND       auto (default: Bun's fs.watch on Linux, chokidar elsewhere), fs-watch or chokidar
  --sidecars MODE         write (default), read or off — as for 'ckpt scan'
  --follow-symlinks       read through symlinks that lead out of DIR too (by default they are skipped and
                          named); sidecars are still written only in real directories under DIR
  --log-format FORMAT     text (default) or json (one JSON object per line)
  --log-level LEVEL       info (default), debug (every look at a file being written), warn or error
  --retain SPEC           a standing retention policy, applied to a run each time one of its checkpoints
                          settles: best=K,last=N,every=N (or 5epochs),since=7d,metric=NAME, as for
                          'ckpt prune'; a root's .ckpt.yaml/ckpt.yaml 'retain:' wins for that root.
                          Each deletion is one log line
  --retain-dry-run        only log what the policy would delete
  --readonly              change nothing in DIR: sidecars are read, not written (--sidecars read), and every
                          retention policy, a root's ckpt.yaml too, only logs what it would delete
  --add DIR               the running 'ckpt watch' watches DIR too (caught up first); until it stops
  --remove DIR            the running 'ckpt watch' stops watching DIR; its checkpoints stay in the catalog
  --detach                start in the background, log to $XDG_STATE_HOME/ckpt/daemon.log, return when ready
  --print-systemd-unit    print a systemd user unit that runs this command, and exit
  --profile NAME          the AWS profile for s3:// roots (default $AWS_PROFILE, else 'default')
  --endpoint URL          an S3-compatible endpoint (default $AWS_ENDPOINT_URL, else the profile's, else AWS)
  -h, --help              show this help

Signals: SIGTERM/SIGINT (and 'ckpt stop') finish the checkpoint in hand, cut a reconcile short (the next start
catches up) and exit 0 within seconds; SIGHUP re-reads the roots, reopens the log, reconciles.
DIR may be s3://BUCKET/PREFIX (all roots then): object stores send no events, so each prefix is listed every
--poll SECONDS (default 5) while objects change, backing off to a minute when none do. With a postgres://
catalog, one host lists each prefix and publishes its rows; the others wait and take over when it stops.
'ckpt status' shows what it is doing, 'ckpt stop' stops it. One watcher per catalog: a second exits 1.

Examples:
  ckpt watch ~/runs --detach         in the background; 'ckpt status' and 'ckpt stop' talk to it
  ckpt watch /nfs/runs --poll=10     on NFS, where other hosts write
  ckpt watch s3://team-ckpts/exp     list an S3 prefix, index new and changed objects
  ckpt watch ~/runs --print-systemd-unit > ~/.config/systemd/user/ckpt-watch.service
`;

const DEFAULT_POLL_SECONDS = 3;

/** `--poll` alone means the default interval; parseArgs has no optional values, so it is spelled out here. */
function normalizePoll(args: readonly string[]): string[] {
  return args.map((arg) => (arg === "--poll" ? `--poll=${DEFAULT_POLL_SECONDS}` : arg));
}

function pollMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new AppError("usage", `watch: --poll must be a positive number of seconds (got '${text}')`);
  return seconds * 1000;
}

function parseWatchFlags(context: CommandContext) {
  return parseFlags("watch", normalizePoll(context.args), {
    catalog: { type: "string" },
    poll: { type: "string" },
    watcher: { type: "string" },
    sidecars: { type: "string" },
    "follow-symlinks": { type: "boolean", default: false },
    "log-format": { type: "string" },
    "log-level": { type: "string" },
    "log-file": { type: "string" },
    add: { type: "string", multiple: true },
    remove: { type: "string", multiple: true },
    detach: { type: "boolean", default: false },
    "print-systemd-unit": { type: "boolean", default: false },
    ...S3_FLAGS,
    retain: { type: "string" },
    "retain-dry-run": { type: "boolean", default: false },
    readonly: { type: "boolean", default: false },
  });
}

function systemdUnit(context: CommandContext, control: ProcessControl, settings: WatchSettings): number {
  if (control.selfCommand.length !== 1)
    throw new AppError(
      "usage",
      "watch: --print-systemd-unit needs the compiled ckpt binary (npm run build, then dist/ckpt); a unit cannot run the source tree",
    );
  const extraArgs = ["--catalog", settings.location.shared ?? settings.location.path];
  if (settings.pollIntervalMs !== undefined) extraArgs.push(`--poll=${settings.pollIntervalMs / 1000}`);
  if (settings.sidecars !== "write") extraArgs.push("--sidecars", settings.sidecars);
  if (settings.followSymlinks) extraArgs.push("--follow-symlinks");
  if (settings.watcher !== "auto") extraArgs.push("--watcher", settings.watcher);
  if (settings.logLevel !== "info") extraArgs.push("--log-level", settings.logLevel);
  if (settings.retain.spec !== undefined) extraArgs.push("--retain", settings.retain.spec);
  if (settings.retain.dryRun) extraArgs.push("--retain-dry-run");
  if (settings.retain.readOnly) extraArgs.push("--readonly");
  const unit = renderSystemdUnit({
    binaryPath: control.selfCommand[0] ?? "",
    roots: settings.roots,
    extraArgs,
  });
  if (!unit.success) throw new AppError("usage", `watch: ${unit.error}`);
  context.stdout.write(unit.data);
  return 0;
}

async function runForeground(context: CommandContext, control: ProcessControl, settings: WatchSettings) {
  const { logger, file } = watchLogger(context, settings);
  const started = startDaemonLoop({
    roots: settings.roots,
    catalogPath: settings.location.path,
    sidecars: settings.sidecars,
    followSymlinks: settings.followSymlinks,
    logger,
    now: context.now,
    pid: control.pid,
    version: context.version,
    noWal: settings.location.networkMount !== null,
    logPath: settings.logFile ?? null,
    watcher: settings.watcher,
    retention: standingRetention(settings),
    ...(settings.pollIntervalMs === undefined ? {} : { pollIntervalMs: settings.pollIntervalMs }),
  });
  if (!started.success) {
    file?.close();
    throw busyError(settings.location, started.error.holder?.pid);
  }
  const loop = started.data;
  const { stopRequested, requestStop } = stopRequest(logger);
  const daemon = createDaemonControl({
    loop,
    roots: settings.roots,
    logger,
    stop: () => {
      requestStop("ckpt stop");
      return "stopping";
    },
  });
  const unsubscribe = [
    control.onSignal("SIGTERM", () => requestStop("SIGTERM")),
    control.onSignal("SIGINT", () => requestStop("SIGINT")),
    control.onSignal("SIGHUP", () => {
      file?.reopen();
      void daemon.hangUp();
    }),
  ];
  const server = await serveDaemonControl({
    control: daemon,
    paths: daemonPathsFor(context, settings.location.path, control.uid),
    uid: control.uid,
    logger,
  });
  const publisher = await startWatchPublisher(context, { location: settings.location, logger });
  loop.ready.catch((error: unknown) => {
    logger.log("error", "could not start watching", {
      cause: error instanceof Error ? error.message : String(error),
    });
    requestStop("could not start");
  });
  await stopRequested;
  await loop.stop();
  await publisher?.stop();
  await server?.close();
  for (const off of unsubscribe) off();
  file?.close();
  return 0;
}

function settingsFrom(context: CommandContext, values: ReturnType<typeof parseWatchFlags>): WatchSettings {
  const { positionals } = values;
  if (positionals.length === 0)
    throw new AppError("usage", "watch: name at least one directory to watch: ckpt watch DIR…");
  const flags = values.values;
  return {
    roots: resolveRoots("watch", context, positionals),
    location: locateCatalog(context, flags.catalog),
    sidecars: sidecarsOf(flags),
    followSymlinks: flags["follow-symlinks"],
    logFormat: oneOf("watch", "log-format", flags["log-format"], LOG_FORMATS) ?? "text",
    logLevel: oneOf("watch", "log-level", flags["log-level"], LOG_LEVELS) ?? "info",
    pollIntervalMs: pollMs(flags.poll),
    watcher: oneOf("watch", "watcher", flags.watcher, WATCHER_BACKENDS) ?? "auto",
    logFile: flags["log-file"],
    retain: { spec: flags.retain, dryRun: flags["retain-dry-run"], readOnly: flags.readonly },
  };
}

/** `--sidecars`, which `--readonly` makes `read` (and refuses `write` beside it). */
function sidecarsOf(flags: {
  readonly sidecars?: string | undefined;
  readonly readonly: boolean;
}): SidecarMode {
  const chosen = oneOf("watch", "sidecars", flags.sidecars, SIDECAR_MODES);
  if (flags.readonly && chosen === "write")
    throw new AppError(
      "usage",
      "watch: --readonly writes nothing into DIR; drop --sidecars write, or --readonly",
    );
  return chosen ?? (flags.readonly ? "read" : "write");
}

/** The `--retain` policy, checked before anything starts: a typo is a usage error with the nearest key. */
function standingRetention(settings: WatchSettings): StandingRetention {
  const { spec, dryRun, readOnly } = settings.retain;
  const parsed = spec === undefined ? null : parseRetainSpec(spec);
  if (parsed !== null && !parsed.success) throw new AppError("usage", `watch: --retain ${parsed.error}`);
  // The daemon indexes a checkpoint only once it settled, so what the catalog holds is settled.
  return { policy: parsed?.data ?? null, dryRun, readOnly, settleMs: 0 };
}

async function run(context: CommandContext): Promise<number> {
  const parsed = parseWatchFlags(context);
  if (parsed.values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const control = processControlOf(context, "watch");
  const { add = [], remove = [] } = parsed.values;
  if (add.length + remove.length > 0) {
    if (parsed.positionals.length > 0)
      throw new AppError(
        "usage",
        "watch: --add/--remove change the running watcher's roots; name the directories with them, not alone",
      );
    return changeDaemonRoots(context, control, { add, remove, catalog: parsed.values.catalog });
  }
  const settings = settingsFrom(context, parsed);
  standingRetention(settings);
  if (parsed.values["print-systemd-unit"]) return systemdUnit(context, control, settings);
  if (parsed.values.detach) return detachWatch(context, control, settings);
  if (settings.roots.some(isS3Url)) {
    // Loaded only for s3:// roots: the directory watcher's start-up stays as it was.
    const { watchObjectStore } = await import("./watch-s3.ts");
    return watchObjectStore(context, {
      control,
      settings,
      session: s3SessionOf(context, parsed.values),
      explicitSidecars: parsed.values.sidecars !== undefined,
    });
  }
  return runForeground(context, control, settings);
}

export const watchCommand: Command = {
  name: "watch",
  summary: "run beside training: index each checkpoint as it finishes writing (foreground, or --detach)",
  usage: USAGE,
  run,
};
