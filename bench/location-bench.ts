// What building a CheckpointLocation costs the scan's main thread, per checkpoint found, side by side with the
// bare `{ file, root }` it replaced (root only) in the same run, over distinct files of a real tree.
//   bun bench/location-bench.ts --runs 100 --per-run 100 --repeat 5 [--dir /tmp]
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ScannedFile } from "../src/core/catalog/reconcile-plan.ts";
import { locationsUnder, locationUnder } from "../src/io/scan/checkpoint-location.ts";
import { scanRootOf } from "../src/io/scan/walk-paths.ts";
import { scannedFileAt } from "../test/helpers/scanned-file.ts";
import { makeTree } from "./make-tree.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "100" },
    "per-run": { type: "string", default: "100" },
    repeat: { type: "string", default: "5" },
    dir: { type: "string", default: "/tmp" },
  },
});
const work = mkdtempSync(join(values.dir, "ckpt-location-bench-"));
const root = join(work, "tree");
const paths = makeTree({ root, runs: Number(values.runs), perRun: Number(values["per-run"]) });
const files: ScannedFile[] = paths.map((path) => scannedFileAt(path));

function median(samples: number[]): number {
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? Number.NaN;
}

const variants: Record<string, () => unknown> = {
  "{ file, root } (before)": () => files.map((file) => ({ file, root: scanRootOf(file.path, [root]) })),
  "locationUnder one at a time, no memo (a daemon event)": () =>
    files.map((file) => locationUnder(file, [root])),
  "locationsUnder (the scan's reads: one memo for all)": () => locationsUnder(files, [root]),
};
const samples = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < Number(values.repeat); round++)
  for (const [name, run] of Object.entries(variants)) {
    const started = performance.now();
    run();
    samples.get(name)?.push(performance.now() - started);
  }
console.log(`${files.length} checkpoints, median of ${values.repeat} (alternating)`);
for (const [name, times] of samples) {
  const ms = median(times);
  console.log(`${name}: ${ms.toFixed(1)} ms, ${((ms * 1000) / files.length).toFixed(2)} µs/checkpoint`);
}
rmSync(work, { recursive: true, force: true });
