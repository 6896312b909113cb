// Start-up time of ckpt commands: median and p95 wall time and median CPU time over N runs of the compiled binary
// and from source; with --baseline REF, the binary of that git ref (e.g. main) too, alternating run by run.
//   bun bench/startup-bench.ts [--runs 30] [--baseline main]
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildBinaryOfRef, buildThisBinary, describeSamples, timeAlternately } from "./ab-binaries.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { runs: { type: "string", default: "30" }, baseline: { type: "string" } },
});
const runs = Number(values.runs);
const root = resolve(import.meta.dir, "..");
const into = mkdtempSync(join(tmpdir(), "ckpt-startup-"));
const binary = buildThisBinary(into);
const baseline = values.baseline === undefined ? null : buildBinaryOfRef(values.baseline, into);

// A small real catalog for `ls`: the fixtures, scanned once without writing sidecars.
const catalog = join(mkdtempSync(join(tmpdir(), "ckpt-startup-catalog-")), "catalog.db");
const fixtures = join(root, "test/fixtures/real");
const scan = Bun.spawnSync([binary, "scan", fixtures, "--sidecars", "off", "--catalog", catalog]);
if (scan.exitCode !== 0) throw new Error(scan.stderr.toString());

const binaryCases: [string, string[]][] = [
  ["ckpt --version", ["--version"]],
  ["ckpt --help", ["--help"]],
  ["ckpt validate <empty dir>", ["validate", tmpdir(), "--no-recursive"]],
  ["ckpt ls --json --limit 50 (30 rows)", ["ls", "--json", "--limit", "50", "--catalog", catalog]],
  ["ckpt ls (table, 30 rows)", ["ls", "--catalog", catalog]],
];
const sourceCases: [string, string[]][] = [
  ["source: bun src/main.ts --version", [process.execPath, join(root, "src/main.ts"), "--version"]],
  [
    "source: bun src/main.ts ls --limit 50 (30 rows)",
    [process.execPath, join(root, "src/main.ts"), "ls", "--limit", "50", "--catalog", catalog],
  ],
];

console.log(
  `runs per case: ${runs}${baseline === null ? "" : `; baseline: ${values.baseline}, alternating`}`,
);
for (const [name, args] of binaryCases) {
  const builds =
    baseline === null
      ? [["binary", binary]]
      : [
          ["binary", binary],
          [values.baseline, baseline],
        ];
  const samples = timeAlternately(
    builds.map(([, path]) => ({ argv: [path ?? "", ...args], exits: [0, 1] })),
    runs,
  );
  builds.forEach(([label], index) => {
    const measured = samples[index];
    if (measured !== undefined) console.log(`${`${label}: ${name}`.padEnd(48)} ${describeSamples(measured)}`);
  });
}
for (const [name, argv] of sourceCases) {
  const [measured] = timeAlternately([{ argv }], runs);
  if (measured !== undefined) console.log(`${name.padEnd(48)} ${describeSamples(measured)}`);
}
