import { describe, expect, test } from "bun:test";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { inputDict, inputFloat } from "../../../src/core/formats/pickle/pickle-input.ts";
import { toPlainJson } from "../../../src/core/formats/pickle/to-plain-json.ts";
import { readTorchZipCheckpoint } from "../../../src/core/formats/torch-checkpoint.ts";
import { planTorchCheckpoint } from "../../../src/core/formats/torch-checkpoint-writer.ts";
import { materializeWritePlan } from "../../../src/core/formats/zip-writer.ts";
import { scalarTensor } from "../../helpers/synthetic-checkpoints.ts";

describe("planTorchCheckpoint → readTorchZipCheckpoint round trip", () => {
  test("dicts, lists, str, int, float, 0-d and sparse tensors", () => {
    const value = inputDict({
      name: "run",
      epoch: 3,
      lr: inputFloat(1),
      sizes: [1, 2, 3],
      best: scalarTensor(0.5),
      weights: { kind: "tensor", storage: { dtype: "float16", numel: 6 }, shape: [2, 3] },
    });
    const plan = planTorchCheckpoint(value, { root: "ck" });
    const read = readTorchZipCheckpoint(bytesSource(materializeWritePlan(plan)));
    if (!read.success || read.data.value === undefined) throw new Error("unreadable");
    expect(toPlainJson(read.data.value, { readTensorScalar: read.data.readScalar })).toEqual({
      name: "run",
      epoch: 3,
      lr: 1,
      sizes: [1, 2, 3],
      best: { __tensor__: "float32", shape: [], value: 0.5 },
      weights: { __tensor__: "float16", shape: [2, 3] },
    });
    expect(read.data.zip).toMatchObject({ prefix: "ck", storage_records: 2, storage_bytes_total: 4 + 12 });
  });
});
