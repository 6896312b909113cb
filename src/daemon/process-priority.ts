import { getPriority, setPriority } from "node:os";
import type { Logger } from "../io/process/logger.ts";

/** What lowering our priority did; logged once at start and shown by `ckpt status`. */
export type PriorityReport = {
  readonly nice:
    | { readonly kind: "lowered"; readonly from: number; readonly to: number }
    | { readonly kind: "already-low"; readonly value: number }
    | { readonly kind: "skipped"; readonly reason: string };
  readonly io: { readonly kind: "idle" } | { readonly kind: "skipped"; readonly reason: string };
};

/** The OS seams, so tests can see the calls without changing the test process's priority. */
export type PrioritySystem = {
  getPriority(): number;
  setPriority(value: number): void;
  /** Runs `ionice -c 3 -p <pid>`; returns its exit code, or undefined when ionice is not installed. */
  runIonice(pid: number): number | undefined;
};

const nodePrioritySystem: PrioritySystem = {
  getPriority: () => getPriority(0),
  setPriority: (value) => setPriority(0, value),
  runIonice(pid) {
    const ionice = Bun.which("ionice");
    if (ionice === null) return undefined;
    const result = Bun.spawnSync([ionice, "-c", "3", "-p", String(pid)], {
      stdout: "ignore",
      stderr: "ignore",
    });
    return result.exitCode;
  },
};

export type LowerPriorityOptions = {
  readonly pid: number;
  readonly logger: Logger;
  /** Target niceness; never raised back if we already run nicer (systemd `Nice=`, `nice -n 19`). @default 10 */
  readonly niceness?: number;
  /** Linux only: put our I/O in the idle class so reads never queue ahead of training's data loader. */
  readonly ioIdle?: boolean;
  readonly system?: PrioritySystem;
};

function lowerNice(system: PrioritySystem, target: number): PriorityReport["nice"] {
  try {
    const from = system.getPriority();
    if (from >= target) return { kind: "already-low", value: from };
    system.setPriority(target);
    return { kind: "lowered", from, to: target };
  } catch (error) {
    return { kind: "skipped", reason: error instanceof Error ? error.message : String(error) };
  }
}

function idleIo(system: PrioritySystem, pid: number): PriorityReport["io"] {
  try {
    const exitCode = system.runIonice(pid);
    if (exitCode === undefined) return { kind: "skipped", reason: "ionice is not installed" };
    return exitCode === 0 ? { kind: "idle" } : { kind: "skipped", reason: `ionice exited with ${exitCode}` };
  } catch (error) {
    return { kind: "skipped", reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The daemon never competes with training: lower our CPU priority (nice 10) and, on Linux, our I/O class to
 * idle. Both are best effort: not permitted or unavailable → one log line, and the daemon runs on.
 */
export function lowerProcessPriority(options: LowerPriorityOptions): PriorityReport {
  const system = options.system ?? nodePrioritySystem;
  const nice = lowerNice(system, options.niceness ?? 10);
  const io = (options.ioIdle ?? process.platform === "linux") ? idleIo(system, options.pid) : skippedIo();
  const { logger } = options;
  if (nice.kind === "skipped") logger.log("warn", "could not lower CPU priority", { reason: nice.reason });
  else logger.log("debug", "CPU priority", { nice: nice.kind === "lowered" ? nice.to : nice.value });
  if (io.kind === "skipped") logger.log("info", "I/O priority unchanged", { reason: io.reason });
  return { nice, io };
}

function skippedIo(): PriorityReport["io"] {
  return { kind: "skipped", reason: "I/O classes are Linux-only" };
}
