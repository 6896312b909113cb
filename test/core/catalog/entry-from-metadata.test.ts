import { describe, expect, test } from "bun:test";
import { entryFromMetadata } from "../../../src/core/catalog/entry-from-metadata.ts";
import type { CheckpointMetadataV1, PrimaryMetric } from "../../../src/core/metadata/metadata-schema.ts";
import { sampleMetadata } from "../../helpers/catalog-tree.ts";

const file = {
  path: "/runs/train/weights/best.pt",
  kind: "file",
  dev: 1,
  ino: 2,
  size: 3,
  mtime_ms: 4,
  alias_of: null,
} as const;

function entryOf(metadata: CheckpointMetadataV1) {
  const entry = entryFromMetadata({ file, metadata, status: "ok", sidecar: "valid", indexedAt: 5 });
  return { epoch: entry.epoch, global_step: entry.global_step, primary_metric: entry.primary_metric };
}

function withSources(metadata: CheckpointMetadataV1, sources: Record<string, string>): CheckpointMetadataV1 {
  if (!metadata.ckpt) throw new Error("sample metadata has a ckpt block");
  return { ...metadata, ckpt: { ...metadata.ckpt, sources } };
}

// An Ultralytics sidecar ckpt wrote before it ranked by fitness: mAP50 primary, epoch −1, fitness among the metrics.
const oldUltralytics: CheckpointMetadataV1 = (() => {
  const base = sampleMetadata("weights/best.pt", {
    exp: "train",
    epoch: -1,
    step: 0,
    framework: "ultralytics",
    task: "object-detection",
    primary: { name: "metrics/mAP50(B)", value: 0.10615, higher: true },
  });
  const metrics = { ...base.metrics, additional_metrics: { "metrics/mAP50(B)": 0.10615, fitness: 0.04599 } };
  return withSources(
    { ...base, metrics },
    { "training.epoch": "checkpoint", "training.global_step": "default" },
  );
})();

type Expected = { epoch: number | null; global_step: number | null; primary_metric: PrimaryMetric | null };

describe("entryFromMetadata", () => {
  const hmean = sampleMetadata("a.ckpt", { exp: "e", epoch: 3, step: 32, hmean: 0.88 });
  const cases: [string, CheckpointMetadataV1, Expected][] = [
    [
      "positions and primary as the sidecar holds them",
      hmean,
      { epoch: 3, global_step: 32, primary_metric: { name: "hmean", value: 0.88, higher_is_better: true } },
    ],
    [
      "a position the schema needed but nothing said (source default) is no position",
      withSources(hmean, { "training.epoch": "checkpoint", "training.global_step": "default" }),
      { epoch: 3, global_step: null, primary_metric: { name: "hmean", value: 0.88, higher_is_better: true } },
    ],
    [
      "an older Ultralytics sidecar: epoch −1 is no epoch, and it ranks by the fitness it holds",
      oldUltralytics,
      {
        epoch: null,
        global_step: null,
        primary_metric: { name: "fitness", value: 0.04599, higher_is_better: true },
      },
    ],
  ];
  for (const [name, metadata, expected] of cases) {
    test(name, () => expect(entryOf(metadata)).toEqual(expected));
  }
});
