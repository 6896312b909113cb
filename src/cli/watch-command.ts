import { existsSync } from "node:fs";
import { SIDECAR_MODES } from "../core/catalog/catalog-constants.ts";
import { AppError } from "../core/errors/app-error.ts";
import { type ControlServer, startControlServer } from "../daemon/control-socket.ts";
import { type DaemonLoop, startDaemonLoop } from "../daemon/daemon-loop.ts";
import { WATCHER_BACKENDS } from "../daemon/event-source.ts";
import { ensurePrivateDirectory } from "../daemon/runtime-paths.ts";
import { renderSystemdUnit } from "../daemon/systemd-unit.ts";
import type { CatalogLocation } from "../io/catalog-location.ts";
import { createLogger, LOG_FORMATS, type Logger } from "../io/logger.ts";
import { locateCatalog, resolveRoots } from "./catalog-session.ts";
import type { Command, CommandContext, ProcessControl, TextSink } from "./command.ts";
import { daemonPathsFor, processControlOf } from "./daemon-socket.ts";
import { type LogFileSink, openLogFileSink } from "./log-file-sink.ts";
import { oneOf, parseFlags } from "./parse-flags.ts";
import { detachWatch, type WatchSettings } from "./watch-detach.ts";

const USAGE = `Usage: ckpt watch DIR... [options]

Runs beside training and keeps the catalog current: each checkpoint is read once it has finished writing, its
sidecar written and its catalog row updated. Runs in the foreground (tmux, nohup, systemd) and logs one line per
event to stderr. Anything written while it was down is caught up at start, and every few minutes.

Options:
  --catalog PATH          the catalog database (default $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db)
  --poll[=SECONDS]        poll the run directories instead of using inotify (NFS/Lustre, where other hosts
                          write); active runs every SECONDS (default 3), idle ones back off to a minute
  --watcher BACKEND       auto (default: Bun's fs.watch on Linux, chokidar elsewhere), fs-watch or chokidar
  --sidecars MODE         write (default), read or off — as for 'ckpt scan'
  --log-format FORMAT     text (default) or json (one JSON object per line)
  --detach                start in the background, log to $XDG_STATE_HOME/ckpt/daemon.log, return when ready
  --print-systemd-unit    print a systemd user unit that runs this command, and exit
  -h, --help              show this help

Signals: SIGTERM/SIGINT finish in-flight work and exit 0; SIGHUP re-reads the roots, reopens the log, reconciles.
'ckpt status' shows what it is doing, 'ckpt stop' stops it. One watcher per catalog: a second exits 1.

Examples:
  ckpt watch ~/runs --detach         in the background; 'ckpt status' and 'ckpt stop' talk to it
  ckpt watch /nfs/runs --poll=10     on NFS, where other hosts write
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
    "log-format": { type: "string" },
    "log-file": { type: "string" },
    detach: { type: "boolean", default: false },
    "print-systemd-unit": { type: "boolean", default: false },
  });
}

function systemdUnit(context: CommandContext, control: ProcessControl, settings: WatchSettings): number {
  if (control.selfCommand.length !== 1)
    throw new AppError(
      "usage",
      "watch: --print-systemd-unit needs the compiled ckpt binary (npm run build, then dist/ckpt); a unit cannot run the source tree",
    );
  const extraArgs = ["--catalog", settings.location.path];
  if (settings.pollIntervalMs !== undefined) extraArgs.push(`--poll=${settings.pollIntervalMs / 1000}`);
  if (settings.sidecars !== "write") extraArgs.push("--sidecars", settings.sidecars);
  if (settings.watcher !== "auto") extraArgs.push("--watcher", settings.watcher);
  const unit = renderSystemdUnit({
    binaryPath: control.selfCommand[0] ?? "",
    roots: settings.roots,
    extraArgs,
  });
  if (!unit.success) throw new AppError("usage", `watch: ${unit.error}`);
  context.stdout.write(unit.data);
  return 0;
}

async function startSocket(
  context: CommandContext,
  control: ProcessControl,
  options: { loop: DaemonLoop; catalog: string; logger: Logger; stop: () => void },
): Promise<ControlServer | null> {
  const paths = daemonPathsFor(context, options.catalog, control.uid);
  const dir = ensurePrivateDirectory(paths.runtimeDir, { uid: control.uid });
  const server = dir.success
    ? await startControlServer({
        socketPath: paths.socketPath,
        handlers: {
          status: () => options.loop.status(),
          commands: {
            stop: () => {
              options.stop();
              return "stopping";
            },
            reload: () => options.loop.reload(),
            rescan: () => options.loop.rescan(),
          },
        },
      })
    : dir;
  if (server.success) return server.data;
  options.logger.log("warn", "no control socket; 'ckpt status' and 'ckpt stop' fall back to the pid", {
    cause: server.error.message,
  });
  return null;
}

/** SIGHUP re-reads the roots: one that vanished is dropped (and said so), one that came back is watched again. */
function rootsStillThere(roots: readonly string[], logger: Logger): string[] {
  const present = roots.filter((root) => existsSync(root));
  for (const root of roots)
    if (!present.includes(root))
      logger.log("warn", "root is gone; not watching it until it is back", { path: root });
  return present;
}

function busyError(location: CatalogLocation, pid: number | undefined): AppError {
  const who = pid === undefined ? "another ckpt watch" : `ckpt watch (pid ${pid})`;
  return new AppError(
    "daemon-running",
    `watch: ${who} already keeps ${location.path} current; stop it with 'ckpt stop', or pass another --catalog`,
  );
}

async function runForeground(context: CommandContext, control: ProcessControl, settings: WatchSettings) {
  const file: LogFileSink | null = settings.logFile === undefined ? null : openLogFileSink(settings.logFile);
  const sink: TextSink = file ?? context.stderr;
  const logger = createLogger({ sink, format: settings.logFormat, now: context.now });
  const started = startDaemonLoop({
    roots: settings.roots,
    catalogPath: settings.location.path,
    sidecars: settings.sidecars,
    logger,
    now: context.now,
    pid: control.pid,
    version: context.version,
    noWal: settings.location.networkMount !== null,
    logPath: settings.logFile ?? null,
    watcher: settings.watcher,
    ...(settings.pollIntervalMs === undefined ? {} : { pollIntervalMs: settings.pollIntervalMs }),
  });
  if (!started.success) {
    file?.close();
    throw busyError(settings.location, started.error.holder?.pid);
  }
  const loop = started.data;
  let requestStop: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    requestStop = resolve;
  });
  const unsubscribe = [
    control.onSignal("SIGTERM", () => requestStop()),
    control.onSignal("SIGINT", () => requestStop()),
    control.onSignal("SIGHUP", () => {
      file?.reopen();
      void loop.reload(rootsStillThere(settings.roots, logger));
    }),
  ];
  const server = await startSocket(context, control, {
    loop,
    catalog: settings.location.path,
    logger,
    stop: () => requestStop(),
  });
  loop.ready.catch((error: unknown) => {
    logger.log("error", "could not start watching", {
      cause: error instanceof Error ? error.message : String(error),
    });
    requestStop();
  });
  await stopRequested;
  await loop.stop();
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
    sidecars: oneOf("watch", "sidecars", flags.sidecars, SIDECAR_MODES) ?? "write",
    logFormat: oneOf("watch", "log-format", flags["log-format"], LOG_FORMATS) ?? "text",
    pollIntervalMs: pollMs(flags.poll),
    watcher: oneOf("watch", "watcher", flags.watcher, WATCHER_BACKENDS) ?? "auto",
    logFile: flags["log-file"],
  };
}

async function run(context: CommandContext): Promise<number> {
  const parsed = parseWatchFlags(context);
  if (parsed.values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const control = processControlOf(context, "watch");
  const settings = settingsFrom(context, parsed);
  if (parsed.values["print-systemd-unit"]) return systemdUnit(context, control, settings);
  if (parsed.values.detach) return detachWatch(context, control, settings);
  return runForeground(context, control, settings);
}

export const watchCommand: Command = {
  name: "watch",
  summary: "run beside training: index each checkpoint as it finishes writing (foreground, or --detach)",
  usage: USAGE,
  run,
};
