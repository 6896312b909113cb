// Test-only: checkpoint trees with V1 sidecars, for catalog tests (the bytes of the checkpoints do not matter here).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { CheckpointMetadataV1 } from "../../src/core/metadata/metadata-schema.ts";
import { sidecarPathFor } from "../../src/core/metadata/sidecar-path.ts";
import { writeSidecar } from "../../src/io/sidecar/sidecar-store.ts";

export type SampleMetadata = {
  readonly exp: string;
  readonly epoch: number;
  readonly step?: number;
  readonly primary?: { name: string; value: number | null; higher: boolean };
  readonly hmean?: number | null;
  readonly precision?: number | null;
  readonly recall?: number | null;
  readonly valLoss?: number | null;
  readonly framework?: string;
  readonly architecture?: string;
  readonly task?: string;
};

export function sampleMetadata(path: string, sample: SampleMetadata): CheckpointMetadataV1 {
  const hmean = sample.hmean ?? null;
  return {
    schema_version: "1.0",
    checkpoint_path: path,
    exp_name: sample.exp,
    created_at: "2025-10-18T14:32:15",
    training: {
      epoch: sample.epoch,
      global_step: sample.step ?? sample.epoch * 100,
      training_phase: "training",
      max_epochs: 50,
    },
    model: {
      architecture: sample.architecture ?? "dbnet",
      encoder: { model_name: "resnet50", pretrained: true },
      decoder: { name: "pan_decoder", in_channels: [256, 512], inner_channels: 256, output_channels: 128 },
      head: { name: "db_head", in_channels: 128 },
      loss: { name: "db_loss" },
    },
    metrics: {
      precision: sample.precision ?? null,
      recall: sample.recall ?? null,
      hmean,
      validation_loss: sample.valLoss ?? null,
      additional_metrics: {},
    },
    checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 3, save_last: true },
    ckpt: {
      framework: sample.framework ?? "lightning",
      task: sample.task ?? "text-detection",
      primary_metric: sample.primary
        ? { name: sample.primary.name, value: sample.primary.value, higher_is_better: sample.primary.higher }
        : { name: "hmean", value: hmean, higher_is_better: true },
      generator: { name: "ckpt", version: "test" },
    },
  };
}

/** Writes `bytes` as a checkpoint and, when given, its sidecar; returns the checkpoint path. */
export function writeCheckpoint(
  path: string,
  options: { sample?: SampleMetadata; bytes?: string } = {},
): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, options.bytes ?? "PK not really a checkpoint");
  if (options.sample !== undefined) {
    const written = writeSidecar(sidecarPathFor(path), sampleMetadata(path, options.sample), { force: true });
    if (!written.success) throw new Error(written.error.message);
  }
  return path;
}
