import { spawn } from "node:child_process";
import { closeSync, readFileSync } from "node:fs";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import { AppError } from "../core/errors/app-error.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import { requestControl } from "../daemon/control-socket.ts";
import { DaemonStatus } from "../daemon/daemon-status.ts";
import type { WatcherBackend } from "../daemon/event-source.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import { openPrivateFile } from "../io/fs/private-file.ts";
import { checkStateDirectory } from "../io/fs/state-directory.ts";
import type { LogFormat, LogLevel } from "../io/process/logger.ts";
import type { CommandContext, ProcessControl } from "./command.ts";
import { daemonPathsFor } from "./daemon-socket.ts";

/** `ckpt watch`'s flags, resolved. */
export type WatchSettings = {
  readonly roots: string[];
  readonly location: CatalogLocation;
  readonly sidecars: SidecarMode;
  readonly followSymlinks: boolean;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
  readonly pollIntervalMs: number | undefined;
  readonly watcher: WatcherBackend;
  readonly logFile: string | undefined;
  /** `--retain SPEC` as typed (a root's `ckpt.yaml` policy wins for that root), and `--retain-dry-run`. */
  readonly retain: {
    readonly spec: string | undefined;
    readonly dryRun: boolean;
    readonly readOnly: boolean;
  };
};

/** A large tree's first reconcile is queued after ready, so ready comes quickly; this covers a slow disk. */
const READY_TIMEOUT_MS = 60_000;

/** The child's arguments: ours without `--detach`, with the log file it should append to. */
function childArgs(args: readonly string[], logPath: string): string[] {
  return ["watch", ...args.filter((arg) => arg !== "--detach"), "--log-file", logPath];
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

type Child = { exited: boolean; code: number | null; pid: number | undefined };

function spawnChild(context: CommandContext, control: ProcessControl, logPath: string): Child {
  const [program, ...prefix] = control.selfCommand;
  if (program === undefined) throw new AppError("internal", "watch: cannot tell how to start ckpt again");
  const fd = openPrivateFile(logPath, "append");
  const child = spawn(program, [...prefix, ...childArgs(context.args, logPath)], {
    cwd: context.cwd,
    env: { ...context.env },
    detached: true,
    // Output a crash prints before the logger is up goes to the log as well.
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const state: Child = { exited: false, code: null, pid: child.pid };
  child.on("exit", (code) => {
    state.exited = true;
    state.code = code;
  });
  child.unref();
  return state;
}

/**
 * `ckpt watch --detach`: starts the same command again in its own session with its log in
 * `$XDG_STATE_HOME/ckpt/daemon.log`, and returns once the daemon answers `ready` on its socket.
 */
export async function detachWatch(
  context: CommandContext,
  control: ProcessControl,
  settings: WatchSettings,
): Promise<number> {
  const paths = daemonPathsFor(context, settings.location.path, control.uid);
  const logDir = checkStateDirectory(paths.stateDir, { uid: control.uid });
  if (!logDir.success) throw new AppError("io", `watch: ${logDir.error.message}`);
  const child = spawnChild(context, control, paths.logPath);
  const deadline = context.now() + READY_TIMEOUT_MS;
  while (context.now() < deadline) {
    const answer = await requestControl({ socketPath: paths.socketPath, request: "status", timeoutMs: 1000 });
    const status = answer.success ? DaemonStatus.safeParse(answer.data) : null;
    if (status?.success && status.data.state === "ready" && status.data.pid === child.pid) {
      context.stdout.write(`ckpt watch is running (pid ${child.pid}); log: ${paths.logPath}\n`);
      return 0;
    }
    if (child.exited) {
      // An error is one line; the log's last lines (escaped, as every line from a file) go above it.
      const why = tail(paths.logPath, 5);
      for (const line of why === "" ? [] : why.split("\n")) context.stderr.write(`${escapeControl(line)}\n`);
      throw new AppError(
        child.code === 1 ? "daemon-running" : "io",
        `watch: the background watcher exited with code ${child.code} before it was ready; above: the end of ${paths.logPath}`,
      );
    }
    await Bun.sleep(100);
  }
  throw new AppError(
    "io",
    `watch: the background watcher (pid ${child.pid}) did not report ready within ${READY_TIMEOUT_MS / 1000} s; see ${paths.logPath}`,
  );
}
