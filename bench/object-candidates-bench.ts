// How long finding the checkpoints of one S3 listing takes (objectCandidates: the folder tree and the one
// directory rule), in process, over a listing shaped like a team bucket: Lightning files in runs, HF checkpoint-N
// dirs, DCP dirs, DeepSpeed save dirs with their tags. `--baseline FILE`: another objectCandidates module (an older
// commit's, copied out) measured in the same run, side by side. Median of --repeat.
//   bun bench/object-candidates-bench.ts [--runs 1000] [--repeat 9] [--baseline /tmp/old-object-candidates.ts]
import { parseArgs } from "node:util";
import { objectCandidates } from "../src/io/object-store/object-candidates.ts";
import type { ListedObject } from "../src/io/object-store/s3-listing.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    runs: { type: "string", default: "1000" },
    repeat: { type: "string", default: "9" },
    baseline: { type: "string" },
  },
});

/** Per run: 10 Lightning files and their sidecars, an HF checkpoint-N, a DCP step dir, a DeepSpeed tag with latest. */
function listing(runs: number): ListedObject[] {
  const keys: string[] = [];
  for (let run = 0; run < runs; run++) {
    const base = `team/exp${run % 37}/run${run}`;
    for (let epoch = 0; epoch < 10; epoch++)
      keys.push(
        `${base}/checkpoints/epoch=${epoch}.ckpt`,
        `${base}/checkpoints/epoch=${epoch}.metadata.yaml`,
      );
    keys.push(`${base}/metrics.csv`, `${base}/hparams.yaml`);
    keys.push(`${base}/hf/checkpoint-${run}/config.json`, `${base}/hf/checkpoint-${run}/model.safetensors`);
    keys.push(`${base}/hf/checkpoint-${run}/trainer_state.json`);
    keys.push(`${base}/dcp/step-${run}/.metadata`, `${base}/dcp/step-${run}/__0_0.distcp`);
    keys.push(`${base}/ds/latest`, `${base}/ds/global_step${run}/mp_rank_00_model_states.pt`);
  }
  return keys.map((key, index) => ({ key, size: 1000 + index, etag: `"${index}"`, lastModified: null }));
}

type Find = (listed: readonly ListedObject[], prefix: string) => readonly unknown[];

function medianMs(
  find: Find,
  listed: readonly ListedObject[],
  repeat: number,
): { ms: number; found: number } {
  const times: number[] = [];
  let found = 0;
  for (let round = 0; round < repeat; round++) {
    const start = Bun.nanoseconds();
    found = find(listed, "team/").length;
    times.push((Bun.nanoseconds() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? 0, found };
}

const listed = listing(Number(values.runs));
const repeat = Number(values.repeat);
const rows: [string, Find][] = [["objectCandidates (this tree)", objectCandidates]];
if (values.baseline !== undefined) {
  const baseline = (await import(values.baseline)) as { objectCandidates: Find };
  rows.push([`baseline ${values.baseline}`, baseline.objectCandidates]);
}
console.log(`${listed.length} keys, median of ${repeat}`);
for (const [name, find] of rows) {
  const { ms, found } = medianMs(find, listed, repeat);
  console.log(`${name.padEnd(60)} ${ms.toFixed(1).padStart(8)} ms  ${found} checkpoints`);
}
