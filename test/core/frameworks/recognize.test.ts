import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { frameworkInput } from "../../../src/core/checkpoint/torch-report.ts";
import { inputDict } from "../../../src/core/formats/pickle/pickle-input.ts";
import type { TensorRef } from "../../../src/core/formats/pickle/py-value.ts";
import { readTorchZipCheckpoint } from "../../../src/core/formats/torch-checkpoint.ts";
import type { FrameworkInput, Recognition } from "../../../src/core/frameworks/framework-input.ts";
import { PICKLE_RECOGNIZERS, recognizeCheckpoint } from "../../../src/core/frameworks/recognize.ts";
import { listRealFixtures } from "../../helpers/real-fixtures.ts";
import { lightningDict, scalarTensor, torchZipBytes } from "../../helpers/synthetic-checkpoints.ts";

function inputOfBytes(bytes: Uint8Array): FrameworkInput | undefined {
  const read = readTorchZipCheckpoint(bytesSource(bytes));
  if (!read.success || read.data.value === undefined || read.data.format !== "torch-save") return undefined;
  return frameworkInput(read.data.value, read.data.readScalar);
}

/** Every recognizer run, the most confident kept (first on a tie): what skipping by ceiling must equal. */
function exhaustiveBest(input: FrameworkInput): Recognition | undefined {
  let best: Recognition | undefined;
  for (const { recognize } of PICKLE_RECOGNIZERS) {
    const result = recognize(input);
    if (result !== undefined && (best === undefined || result.confidence > best.confidence)) best = result;
  }
  return best;
}

const weights = inputDict({ "fc.weight": scalarTensor(1) }, true);
const synthetic = [
  lightningDict({ epoch: 4, step: 100, score: 0.5 }),
  inputDict({ epoch: 1, global_step: 3, callbacks: inputDict({}), state_dict: weights }),
  inputDict({ epoch: 1, arch: "resnet18", state_dict: weights, version: 2, args: inputDict({}) }),
  inputDict({ epoch: 1, arch: "resnet18", state_dict: weights }),
  weights,
].map((value) => torchZipBytes(value));

const inputs = async (): Promise<[string, FrameworkInput][]> => {
  const real = (await listRealFixtures()).filter((f) => !f.name.startsWith("broken/"));
  const named: [string, Uint8Array][] = [
    ...real.map((f): [string, Uint8Array] => [f.name, new Uint8Array(readFileSync(f.path))]),
    ...synthetic.map((bytes, i): [string, Uint8Array] => [`synthetic ${i}`, bytes]),
  ];
  return named.flatMap(([name, bytes]) => {
    const input = inputOfBytes(bytes);
    return input === undefined ? [] : [[name, input]];
  });
};

describe("recognizeCheckpoint skips recognizers that cannot win", () => {
  test("no recognizer returns more than its ceiling, on every zip fixture and synthetic dict", async () => {
    const over: string[] = [];
    for (const [name, input] of await inputs())
      for (const { recognize, ceiling } of PICKLE_RECOGNIZERS) {
        const confidence = recognize(input)?.confidence;
        if (confidence !== undefined && confidence > ceiling)
          over.push(`${name}: ${confidence} > ${ceiling}`);
      }
    expect(over).toEqual([]);
  });

  test("the recognition equals running every recognizer", async () => {
    const checked = await inputs();
    expect(checked.length).toBeGreaterThan(20);
    for (const [name, input] of checked) {
      const [skipping, all] = [recognizeCheckpoint(input), exhaustiveBest(input)];
      expect([name, skipping?.framework, skipping?.confidence, skipping?.facts]).toEqual([
        name,
        all?.framework,
        all?.confidence,
        all?.facts,
      ]);
    }
  });
});

describe("frameworkInput reads each 0-d tensor once per file", () => {
  test("a Lightning checkpoint's best_model_score, met by the callbacks and the callback state, is read once", () => {
    const read = readTorchZipCheckpoint(
      bytesSource(torchZipBytes(lightningDict({ epoch: 4, step: 100, score: 0.5 }))),
    );
    if (!read.success || read.data.value === undefined) throw new Error("synthetic checkpoint unreadable");
    const reads = new Map<TensorRef, number>();
    const counting = (tensor: TensorRef) => {
      reads.set(tensor, (reads.get(tensor) ?? 0) + 1);
      return read.data.readScalar(tensor);
    };
    const recognition = recognizeCheckpoint(frameworkInput(read.data.value, counting));
    expect([recognition?.facts.model_checkpoint_states?.[0]?.best_model_score, [...reads.values()]]).toEqual([
      0.5,
      [1],
    ]);
  });
});
