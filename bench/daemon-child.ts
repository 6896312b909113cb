// `ckpt watch` from source as a child process for the daemon benches, and what /proc says about it.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const MAIN = resolve(import.meta.dir, "../src/main.ts");
const TICKS_PER_SECOND = 100;

export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds per thread name (the main thread is `bun.exe` or `ckpt`; JavaScriptCore's `JITWorker`s; mimalloc's `mi-scavenger`). */
export function cpuByThread(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${task}/comm`, "utf8").trim();
      const fields = readFileSync(`/proc/${pid}/task/${task}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      byName.set(name, (byName.get(name) ?? 0) + seconds);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return byName;
}

export function rssMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((text) => text.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

export type DaemonChild = {
  readonly child: ReturnType<typeof Bun.spawn>;
  waitForLog(text: string): Promise<void>;
};

/** `ckpt watch ROOT` with JSON logs; its socket lives under `home/rt`. */
export function startDaemon(options: {
  readonly home: string;
  readonly root: string;
  readonly catalog: string;
  readonly watcher: string;
}): DaemonChild {
  const { home, root, catalog, watcher } = options;
  const argv = ["watch", root, "--catalog", catalog, "--log-format", "json", "--watcher", watcher];
  const child = Bun.spawn([process.execPath, MAIN, ...argv], {
    env: {
      PATH: process.env["PATH"] ?? "",
      HOME: home,
      XDG_RUNTIME_DIR: join(home, "rt"),
      XDG_STATE_HOME: home,
    },
    stdout: "ignore",
    stderr: "pipe",
  });
  let log = "";
  void (async () => {
    for await (const chunk of child.stderr) log += new TextDecoder().decode(chunk);
  })();
  const waitForLog = async (text: string) => {
    while (!log.includes(text)) await Bun.sleep(10);
  };
  return { child, waitForLog };
}
