// Cold catalog scan (issue 17, item 4): `ckpt scan TREE --sidecars off` into a fresh catalog against Python merely
// reading the same checkpoints (bench/python_metadata_reader.py), in the same run, alternating, on the same files:
//   bun bench/cold-scan-bench.ts [--count 10000] [--rounds 3] [--tree DIR] [--binary PATH]... [--source]
// The tree comes from bench/make-tree.ts (100 checkpoints a run; Lightning, timm, Ultralytics layouts with their run
// files); --tree keeps it for the next run (generated when DIR does not exist). The compiled binary is built here
// unless --binary names one (several: an A/B of builds, each in every round); --source runs `bun src/main.ts`
// instead. Wall time and CPU time (user + system, all threads) of each whole process; the ratio to Python per round
// and of the medians.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { makeTree } from "./make-tree.ts";
import { median } from "./reader-bench-support.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    count: { type: "string", default: "10000" },
    rounds: { type: "string", default: "3" },
    tree: { type: "string" },
    binary: { type: "string", multiple: true, default: [] },
    source: { type: "boolean", default: false },
  },
});
const count = Number(values.count);
const rounds = Number(values.rounds);
const root = join(import.meta.dir, "..");
const pythonReader = join(root, "bench/python_metadata_reader.py");
const work = mkdtempSync(join(tmpdir(), "ckpt-cold-bench-"));

type Timed = { readonly wallMs: number; readonly cpuMs: number };

/** One whole process, output discarded; anything but exit 0 fails the bench (a scan with failures is not a scan). */
function timed(command: readonly string[]): Timed {
  const start = performance.now();
  const run = Bun.spawnSync([...command], { stdout: "ignore", stderr: "pipe" });
  const wallMs = performance.now() - start;
  if (run.exitCode !== 0)
    throw new Error(`${command.slice(0, 3).join(" ")} … failed: ${run.stderr.toString()}`);
  return { wallMs, cpuMs: Number(run.resourceUsage.cpuTime.total) / 1000 };
}

/** The ckpt commands to time, by label: the binaries given, else this tree built (or run from source). */
function ckptCommands(): Map<string, string[]> {
  if (values.source) return new Map([["ckpt (source)", [process.execPath, join(root, "src/main.ts")]]]);
  if (values.binary.length > 0) return new Map(values.binary.map((binary) => [binary, [binary]]));
  const binary = join(work, "ckpt");
  const build = Bun.spawnSync([process.execPath, join(root, "scripts/build-binary.ts"), "--outfile", binary]);
  if (build.exitCode !== 0) throw new Error(build.stderr.toString());
  return new Map([["ckpt", [binary]]]);
}

function treeAndList(): { readonly tree: string; readonly list: string } {
  const tree = values.tree ?? join(work, "tree");
  const list = `${tree}.files.txt`;
  if (existsSync(list)) return { tree, list };
  const paths = makeTree({
    root: tree,
    runs: Math.max(1, Math.round(count / 100)),
    perRun: Math.min(100, count),
  });
  writeFileSync(list, `${paths.join("\n")}\n`);
  Bun.spawnSync(["sync"]);
  return { tree, list };
}

const commands = ckptCommands();
const { tree, list } = treeAndList();
const files = readFileSync(list, "utf8").trim().split("\n").length;
const python = ["python3", pythonReader, "--repeat", "1", "--files-from", list];
const scan = (command: readonly string[], catalog: string) => {
  const took = timed([...command, "scan", tree, "--catalog", catalog, "--sidecars", "off"]);
  rmSync(catalog, { force: true });
  return took;
};
// One untimed pass of each first: the page cache holds the tree for all sides alike.
timed(python);
for (const command of commands.values()) scan(command, join(work, "warm.db"));
const reads: Timed[] = [];
const scans = new Map([...commands.keys()].map((label) => [label, [] as Timed[]]));
console.log(`## cold catalog of ${files} checkpoints: \`scan --sidecars off\` vs python reading them\n`);
console.log("| round | ckpt | ckpt wall | python wall | wall ratio | ckpt CPU | python CPU | CPU ratio |");
console.log("|---:|---|---:|---:|---:|---:|---:|---:|");
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const row = (label: string, a: Timed, b: Timed) =>
  `| ${label} | ${s(a.wallMs)} | ${s(b.wallMs)} | ${(a.wallMs / b.wallMs).toFixed(2)}× | ${s(a.cpuMs)} | ${s(b.cpuMs)} | ${(a.cpuMs / b.cpuMs).toFixed(2)}× |`;
for (let round = 0; round < rounds; round++) {
  const read = timed(python);
  reads.push(read);
  for (const [label, command] of commands) {
    const took = scan(command, join(work, `cold-${round}.db`));
    scans.get(label)?.push(took);
    console.log(row(`${round + 1} | ${label}`, took, read));
  }
}
const med = (xs: readonly Timed[]): Timed => ({
  wallMs: median(xs.map((x) => x.wallMs)),
  cpuMs: median(xs.map((x) => x.cpuMs)),
});
for (const [label, taken] of scans) console.log(row(`median | ${label}`, med(taken), med(reads)));
rmSync(work, { recursive: true, force: true });
