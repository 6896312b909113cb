// Test/bench-only: multi-GB checkpoints as write plans (a few KB of real bytes, zeros between), served or written
// without ever holding the whole object.
import { planTorchCheckpoint } from "../../src/core/formats/torch-checkpoint-writer.ts";
import type { WritePlan } from "../../src/core/formats/zip-writer.ts";
import type { EdgeVersion } from "./s3-edge-server.ts";
import { lightningDict } from "./synthetic-checkpoints.ts";

/** A Lightning checkpoint of `tensors` float32 tensors of `numelEach` each (e.g. 300 × 20M ≈ 24 GB), at `epoch`. */
export function bigLightningPlan(options: { tensors: number; numelEach: number; epoch: number }): WritePlan {
  const stateDict = Object.fromEntries(
    Array.from({ length: options.tensors }, (_, index) => [
      `model.layers.${index}.weight`,
      {
        kind: "tensor",
        storage: { dtype: "float32", numel: options.numelEach },
        shape: [options.numelEach],
      } as const,
    ]),
  );
  return planTorchCheckpoint(
    lightningDict({ epoch: options.epoch, step: options.epoch * 100, score: 0.5, stateDict }),
  );
}

/** The plan as an object version: bytes by range, zeros where the plan writes nothing. */
export function versionOfPlan(plan: WritePlan, etag: string): EdgeVersion {
  return {
    size: plan.size,
    etag,
    read(start, end) {
      const out = new Uint8Array(Math.max(0, end - start));
      for (const chunk of plan.chunks) {
        const from = Math.max(start, chunk.offset);
        const to = Math.min(end, chunk.offset + chunk.bytes.length);
        if (from < to) out.set(chunk.bytes.subarray(from - chunk.offset, to - chunk.offset), from - start);
      }
      return out;
    },
  };
}
