// Catalog benchmarks (issue 5): cold scan of 10k checkpoints without and with sidecars, warm rescan of 100k
// against `find -printf` over the same tree, and `ckpt ls --json --limit 50` on the 100k catalog from source and
// from the compiled binary; wall time (median) and peak RSS of each whole process.
//   bun bench/catalog-bench.ts [--cold 10000] [--warm 100000] [--repeat 3] [--dir /var/tmp]
import { mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { makeTree } from "./make-tree.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    cold: { type: "string", default: "10000" },
    warm: { type: "string", default: "100000" },
    repeat: { type: "string", default: "3" },
    dir: { type: "string", default: "/tmp" },
  },
});
const repo = resolve(import.meta.dir, "..");
const main = join(repo, "src/main.ts");
const repeat = Number(values.repeat);
const work = mkdtempSync(join(values.dir, "ckpt-catalog-bench-"));

type Run = { seconds: number; rssMb: number };

/** Wall time and peak RSS of one process, via GNU time (Bun's resourceUsage reports the max over all children). */
function timed(command: string[], options: { quiet?: boolean } = {}): Run {
  const started = performance.now();
  const result = Bun.spawnSync(["/usr/bin/time", "-f", "maxrss_kb=%M", ...command], {
    stdout: options.quiet ? "ignore" : "pipe",
    stderr: "pipe",
  });
  const seconds = (performance.now() - started) / 1000;
  const stderr = result.stderr.toString();
  if (result.exitCode !== 0) throw new Error(`${command.join(" ")} failed:\n${stderr}`);
  const rssKb = Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1] ?? 0);
  return { seconds, rssMb: rssKb / 1024 };
}

function median(runs: Run[]): Run {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  const middle = sorted[Math.floor(sorted.length / 2)] ?? { seconds: 0, rssMb: 0 };
  return { seconds: middle.seconds, rssMb: Math.max(...runs.map((run) => run.rssMb)) };
}

function report(name: string, run: Run, extra = ""): void {
  console.log(
    `${name.padEnd(58)} ${run.seconds.toFixed(3).padStart(7)} s  ${run.rssMb.toFixed(0).padStart(4)} MB${extra}`,
  );
}

function coldScan(root: string, catalog: string): Run {
  return median(
    Array.from({ length: repeat }, () => {
      rmSync(catalog, { force: true });
      rmSync(`${catalog}-wal`, { force: true });
      rmSync(`${catalog}-shm`, { force: true });
      return timed([
        process.execPath,
        main,
        "scan",
        root,
        "--catalog",
        catalog,
        "--sidecars",
        "read",
        "--json",
      ]);
    }),
  );
}

/** Flushes what the tree's writer left dirty, so a timed scan does not compete with its writeback. */
function settleDisk(): void {
  Bun.spawnSync(["sync"]);
}

function shape(count: number): { runs: number; perRun: number } {
  return { runs: Math.max(1, Math.round(count / 100)), perRun: Math.min(100, count) };
}

try {
  const cold = Number(values.cold);
  const coldRoot = join(work, "cold");
  makeTree({ root: coldRoot, ...shape(cold) });
  settleDisk();
  console.log(
    `tree: ${cold} checkpoints (Lightning/timm/Ultralytics layouts, run files), ${repeat} runs each, median`,
  );
  report(`cold scan ${cold}, no sidecars (--sidecars read)`, coldScan(coldRoot, join(work, "cold.db")));
  timed(
    [process.execPath, main, "scan", coldRoot, "--catalog", join(work, "writer.db"), "--sidecars", "write"],
    { quiet: true },
  );
  settleDisk();
  report(`cold scan ${cold}, sidecars present`, coldScan(coldRoot, join(work, "cold.db")));
  rmSync(coldRoot, { recursive: true, force: true });

  const warm = Number(values.warm);
  const warmRoot = join(work, "warm");
  const catalog = join(work, "warm.db");
  makeTree({ root: warmRoot, ...shape(warm) });
  settleDisk();
  report(
    `first scan ${warm} (fills the catalog)`,
    timed([process.execPath, main, "scan", warmRoot, "--catalog", catalog, "--sidecars", "read"], {
      quiet: true,
    }),
  );
  const rescan = median(
    Array.from({ length: repeat }, () =>
      timed([process.execPath, main, "scan", warmRoot, "--catalog", catalog, "--json"]),
    ),
  );
  const find = median(
    Array.from({ length: repeat }, () => timed(["find", warmRoot, "-printf", "%s %T@\\n"], { quiet: true })),
  );
  report(
    `warm rescan ${warm}, nothing changed`,
    rescan,
    `  (${(rescan.seconds / find.seconds).toFixed(2)}× find)`,
  );
  report(`find ${warm}-checkpoint tree -printf '%s %T@\\n'`, find);
  const ls = [main, "ls", "--catalog", catalog, "--json", "--limit", "50"];
  report(
    `ls --json --limit 50 on ${warm} (source)`,
    median(Array.from({ length: 5 }, () => timed([process.execPath, ...ls], { quiet: true }))),
  );
  const binary = join(work, "ckpt");
  timed([process.execPath, join(repo, "scripts/build-binary.ts"), "--outfile", binary], { quiet: true });
  report(
    `ls --json --limit 50 on ${warm} (compiled binary)`,
    median(Array.from({ length: 5 }, () => timed([binary, ...ls.slice(1)], { quiet: true }))),
  );
  report(
    `ls --json --sort -hmean --limit 50 on ${warm} (source)`,
    median(
      Array.from({ length: 5 }, () => timed([process.execPath, ...ls, "--sort=-hmean"], { quiet: true })),
    ),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
