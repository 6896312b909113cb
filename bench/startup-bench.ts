// Start-up time of ckpt commands: median and p95 wall time over N runs of the compiled binary and from source.
//   bun bench/startup-bench.ts [--runs 30]
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { runs: { type: "string", default: "30" } },
});
const runs = Number(values.runs);
const root = resolve(import.meta.dir, "..");
const binary = join(mkdtempSync(join(tmpdir(), "ckpt-startup-")), "ckpt");
const build = Bun.spawnSync([process.execPath, "scripts/build-binary.ts", "--outfile", binary], {
  cwd: root,
});
if (build.exitCode !== 0) throw new Error(build.stderr.toString());

function time(command: readonly string[]): { median: number; p95: number } {
  const samples: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const start = performance.now();
    const result = Bun.spawnSync([...command], { cwd: tmpdir(), stdout: "ignore", stderr: "ignore" });
    const elapsed = performance.now() - start;
    if (result.exitCode !== 0 && result.exitCode !== 1)
      throw new Error(`${command.join(" ")} exited ${result.exitCode}`);
    if (i >= 2) samples.push(elapsed); // the first two runs warm the page cache
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95) };
}

// A small real catalog for `ls`: the fixtures, scanned once without writing sidecars.
const catalog = join(mkdtempSync(join(tmpdir(), "ckpt-startup-catalog-")), "catalog.db");
const fixtures = join(root, "test/fixtures/real");
const scan = Bun.spawnSync([binary, "scan", fixtures, "--sidecars", "off", "--catalog", catalog]);
if (scan.exitCode !== 0) throw new Error(scan.stderr.toString());

const cases: [string, string[]][] = [
  ["binary: ckpt --version", [binary, "--version"]],
  ["binary: ckpt --help", [binary, "--help"]],
  ["binary: ckpt validate <empty dir>", [binary, "validate", tmpdir(), "--no-recursive"]],
  [
    "binary: ckpt ls --json --limit 50 (30 rows)",
    [binary, "ls", "--json", "--limit", "50", "--catalog", catalog],
  ],
  ["binary: ckpt ls (table, 30 rows)", [binary, "ls", "--catalog", catalog]],
  ["source: bun src/main.ts --version", [process.execPath, join(root, "src/main.ts"), "--version"]],
  [
    "source: bun src/main.ts ls --limit 50 (30 rows)",
    [process.execPath, join(root, "src/main.ts"), "ls", "--limit", "50", "--catalog", catalog],
  ],
];
console.log(`runs per case: ${runs}`);
for (const [name, command] of cases) {
  const { median, p95 } = time(command);
  console.log(`${name.padEnd(40)} median ${median.toFixed(1)} ms   p95 ${p95.toFixed(1)} ms`);
}
