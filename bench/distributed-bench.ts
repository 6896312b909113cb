// Distributed/multi-file checkpoint reader benchmark: `bun bench/distributed-bench.ts [--repeat 20]`.
// Time and bytes read per format on the real fixtures (test/fixtures/distributed), then on synthetic sparse ones whose
// tensor bytes grow 100× while what ckpt reads must not: a DeepSpeed model-states file of 20 MB and 2 GB, a DCP
// checkpoint of 291 Llama-7B-shaped tensors (13.5 GB sparse storage) against the same names with tiny shapes.
// Python's stdlib reader (bench/python_metadata_reader.py) reads the same model-states file / `.metadata` in the
// same run: for DCP that is exactly torch's own `FileSystemReader.read_metadata` (one pickle.load), with stubs.
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { planTorchCheckpoint } from "../src/core/formats/torch-checkpoint-writer.ts";
import { readCheckpointReport } from "../src/io/checkpoint/read-checkpoint.ts";
import { writeSparseFile } from "../src/io/fs/sparse-file-writer.ts";
import { dcpMetadataBytes, llamaLikeTensors } from "../test/helpers/dcp-metadata-bytes.ts";
import { deepSpeedStates } from "../test/helpers/deepspeed-states.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { repeat: { type: "string", default: "20" } },
});
const repeat = Number(values.repeat);
const root = join(import.meta.dir, "..");
const fixtures = join(root, "test", "fixtures", "distributed");
const work = mkdtempSync(join(tmpdir(), "ckpt-dist-bench-"));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const ms = (value: number) => `${value.toFixed(3)} ms`;

function timeOurs(path: string): { time: number; read: number; status: string } {
  const report = readCheckpointReport(path); // warm-up
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    readCheckpointReport(path);
    times.push(performance.now() - start);
  }
  return { time: median(times), read: report.bytes_read, status: `${report.container} ${report.status}` };
}

function timePython(path: string): { time: number; read: number } {
  const run = Bun.spawnSync([
    "python3",
    join(root, "bench/python_metadata_reader.py"),
    "--repeat",
    String(repeat),
    path,
  ]);
  if (run.exitCode !== 0) throw new Error(run.stderr.toString());
  const out = JSON.parse(run.stdout.toString()) as {
    per_file_ms: Record<string, number>;
    bytes_read: Record<string, number>;
  };
  return { time: out.per_file_ms[path] ?? 0, read: out.bytes_read[path] ?? 0 };
}

/** A DeepSpeed ZeRO-0 fp32 save dir whose one weight tensor is `numel` float32 values (sparse on disk). */
function deepSpeedSave(name: string, numel: number): { tag: string; statesFile: string; size: number } {
  const tag = join(work, name, "global_step100");
  mkdirSync(tag, { recursive: true });
  const states = deepSpeedStates({ numel, step: 100 });
  const statesFile = join(tag, "mp_rank_00_model_states.pt");
  writeSparseFile(statesFile, planTorchCheckpoint(states, { root: "mp_rank_00_model_states" }));
  writeFileSync(join(work, name, "latest"), "global_step100");
  return { tag, statesFile, size: Bun.file(statesFile).size };
}

/** A DCP dir: `.metadata` for `tensors` and one sparse `__0_0.distcp` as long as their bytes. */
function dcpDir(
  name: string,
  tensors: ReturnType<typeof llamaLikeTensors>,
): { dir: string; storage: number } {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const { bytes, storageBytes } = dcpMetadataBytes(tensors);
  writeFileSync(join(dir, ".metadata"), bytes);
  const fd = openSync(join(dir, "__0_0.distcp"), "w");
  ftruncateSync(fd, storageBytes);
  closeSync(fd);
  return { dir, storage: storageBytes };
}

try {
  console.log(`## real fixtures (median of ${repeat}, in-process readCheckpointReport)\n`);
  console.log("| checkpoint | reported as | ckpt time | ckpt bytes read |");
  console.log("|---|---|---:|---:|");
  for (const name of [
    "deepspeed/zero2_fp32_dp2",
    "deepspeed/zero2_fp32_dp2/global_step4",
    "deepspeed/zero2_bf16_save_in_progress/global_step6",
    "hf/trainer_run/checkpoint-8",
    "dcp/gloo_ws2",
    "dcp/titan_run/checkpoint/step-200",
    "accelerate/run_limit2/checkpoints/checkpoint_2",
    "hf/lora-q_v-r4",
    "hf/tiny-llama-3shards",
  ]) {
    const ours = timeOurs(join(fixtures, name));
    console.log(`| ${name} | ${ours.status} | ${ms(ours.time)} | ${ours.read.toLocaleString("en")} |`);
  }

  console.log("\n## bytes read do not grow with tensor bytes (sparse synthetic checkpoints)\n");
  console.log(
    "| checkpoint | tensor bytes on disk | ckpt time | ckpt bytes read | python time | python bytes read |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const [name, numel] of [
    ["ds-20mb", 5_000_000],
    ["ds-2gb", 500_000_000],
  ] as const) {
    const save = deepSpeedSave(name, numel);
    const [ours, python] = [timeOurs(save.tag), timePython(save.statesFile)];
    console.log(
      `| DeepSpeed tag, model states ${save.size.toLocaleString("en")} B | ${(numel * 4).toLocaleString("en")} | ${ms(ours.time)} | ${ours.read.toLocaleString("en")} | ${ms(python.time)} | ${python.read.toLocaleString("en")} |`,
    );
  }
  const shapes = { layers: 32, hidden: 4096, ffn: 11008, vocab: 32000 };
  const tiny = llamaLikeTensors(shapes).map((t) => ({ ...t, shape: t.shape.map(() => 2) }));
  for (const [name, tensors] of [
    ["dcp-tiny", tiny],
    ["dcp-7b", llamaLikeTensors(shapes)],
  ] as const) {
    const { dir, storage } = dcpDir(name, tensors);
    const [ours, python] = [timeOurs(dir), timePython(join(dir, ".metadata"))];
    console.log(
      `| DCP ${name}, ${tensors.length} tensors | ${storage.toLocaleString("en")} | ${ms(ours.time)} | ${ours.read.toLocaleString("en")} | ${ms(python.time)} | ${python.read.toLocaleString("en")} |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
