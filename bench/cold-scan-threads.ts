// Where a whole-process cold scan's CPU goes, by thread (Linux): the main thread (walk, intake, SQLite writes, its
// share of reads), the read worker, JavaScriptCore's JIT compiler threads and GC helpers. Polls
// /proc/PID/task/*/stat every 50 ms while `BINARY scan TREE --catalog FRESH --sidecars off` runs; a thread's last
// reading is its CPU (a thread that ends between two polls loses at most 50 ms).
//   bun bench/cold-scan-threads.ts TREE BINARY [BINARY…] [--rounds 2]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  args: Bun.argv.slice(2),
  allowPositionals: true,
  options: { rounds: { type: "string", default: "2" } },
});
const [tree, ...binaries] = positionals;
if (tree === undefined || binaries.length === 0)
  throw new Error("usage: bench/cold-scan-threads.ts TREE BINARY [BINARY…] [--rounds N]");
const work = mkdtempSync(join(tmpdir(), "ckpt-cold-threads-"));
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Thread id → [name, CPU seconds] of a running process, read from /proc (threads that ended are absent). */
function threadTimes(pid: number): Map<string, [string, number]> {
  const times = new Map<string, [string, number]>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = tid === String(pid) ? "main" : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      times.set(tid, [name, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return times;
}

async function measure(
  binary: string,
  catalog: string,
): Promise<{ wall: number; byName: Map<string, number> }> {
  const start = performance.now();
  const child = Bun.spawn([binary, "scan", tree as string, "--catalog", catalog, "--sidecars", "off"], {
    stdout: "ignore",
    stderr: "ignore",
  });
  const last = new Map<string, [string, number]>();
  while (child.exitCode === null) {
    try {
      for (const [tid, reading] of threadTimes(child.pid)) last.set(tid, reading);
    } catch {
      // The process ended while being read.
    }
    await Bun.sleep(50);
  }
  await child.exited;
  const wall = (performance.now() - start) / 1000;
  const byName = new Map<string, number>();
  for (const [name, seconds] of last.values()) byName.set(name, (byName.get(name) ?? 0) + seconds);
  return { wall, byName };
}

for (let round = 0; round < Number(values.rounds); round++) {
  for (const binary of binaries) {
    const catalog = join(work, `round${round}.db`);
    const { wall, byName } = await measure(binary, catalog);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(catalog + suffix, { force: true });
    const total = [...byName.values()].reduce((sum, seconds) => sum + seconds, 0);
    const threads = [...byName]
      .sort((left, right) => right[1] - left[1])
      .map(([name, seconds]) => `${name} ${seconds.toFixed(2)}`)
      .join(", ");
    console.log(
      `round ${round + 1} ${binary}: wall ${wall.toFixed(2)} s, CPU ${total.toFixed(2)} s = ${threads}`,
    );
  }
}
rmSync(work, { recursive: true, force: true });
