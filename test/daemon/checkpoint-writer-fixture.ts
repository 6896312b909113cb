// Spawned by the daemon fault tests: writes COUNT Lightning-shaped checkpoints under DIR the ways trainers do, at
// a random (seeded) pace — slowly in chunks with pauses, temp + rename, truncated then completed, or all at once —
// a few at a time. Prints one JSON line `{path, size, mode}` per checkpoint once it is closed, then `done`.
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { inputDict, type PickleInput } from "../../src/core/formats/pickle/pickle-input.ts";
import { scalarTensor, torchZipBytes } from "../helpers/synthetic-checkpoints.ts";

const [dir, countArg = "200", seedArg = "1", parallelArg = "4"] = process.argv.slice(2);
if (dir === undefined) throw new Error("usage: checkpoint-writer-fixture.ts DIR [COUNT] [SEED] [PARALLEL]");

let seed = Number(seedArg) || 1;
/** mulberry32: the same seed gives the same run, so a failure can be replayed. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (low: number, high: number) => Math.floor(low + random() * (high - low));

const MODES = ["slow", "rename", "truncated", "whole"] as const;
type Mode = (typeof MODES)[number];

function checkpointBytes(index: number): Uint8Array {
  const weights = new Uint8Array(between(2, 48) * 1024).map(() => between(0, 256));
  const value: PickleInput = inputDict({
    epoch: index,
    global_step: index * 10,
    "pytorch-lightning_version": "2.4.0",
    state_dict: inputDict(
      [
        [
          "layer.weight",
          {
            kind: "tensor",
            storage: { dtype: "uint8", numel: weights.length, data: weights },
            shape: [weights.length],
          },
        ],
      ],
      true,
    ),
    loops: null,
    best_model_score: scalarTensor(1 / (index + 1)),
  });
  return torchZipBytes(value, `epoch=${index}`);
}

function writeRange(fd: number, bytes: Uint8Array, start: number, end: number): void {
  writeSync(fd, bytes, start, end - start);
}

async function writeOne(index: number, mode: Mode): Promise<void> {
  const run = join(dir ?? ".", `run-${index % 5}`, "checkpoints");
  mkdirSync(run, { recursive: true });
  const path = join(run, `epoch=${index}.ckpt`);
  const bytes = checkpointBytes(index);
  if (mode === "rename") {
    const temp = join(run, `tmp_${index}.ckpt`);
    const fd = openSync(temp, "w");
    writeRange(fd, bytes, 0, bytes.length);
    closeSync(fd);
    await Bun.sleep(between(0, 30));
    renameSync(temp, path);
  } else if (mode === "whole") {
    const fd = openSync(path, "w");
    writeRange(fd, bytes, 0, bytes.length);
    closeSync(fd);
  } else if (mode === "truncated") {
    const cut = between(1, bytes.length - 1);
    let fd = openSync(path, "w");
    writeRange(fd, bytes, 0, cut);
    closeSync(fd);
    await Bun.sleep(between(50, 400));
    fd = openSync(path, "a");
    writeRange(fd, bytes, cut, bytes.length);
    closeSync(fd);
  } else {
    const chunks = between(3, 7);
    const fd = openSync(path, "w");
    for (let chunk = 0; chunk < chunks; chunk++) {
      writeRange(
        fd,
        bytes,
        Math.floor((bytes.length * chunk) / chunks),
        Math.floor((bytes.length * (chunk + 1)) / chunks),
      );
      if (chunk < chunks - 1) await Bun.sleep(between(10, 250));
    }
    closeSync(fd);
  }
  process.stdout.write(`${JSON.stringify({ path, size: bytes.length, mode })}\n`);
}

const count = Number(countArg);
let next = 0;
async function worker(): Promise<void> {
  while (next < count) {
    const index = next++;
    await Bun.sleep(between(0, 40));
    await writeOne(index, MODES[between(0, MODES.length)] ?? "whole");
  }
}
await Promise.all(Array.from({ length: Number(parallelArg) }, worker));
process.stdout.write("done\n");
