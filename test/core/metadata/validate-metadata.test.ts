import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  isValidatedMetadata,
  type MetadataProblem,
  validateMetadata,
  validateMetadataText,
} from "../../../src/core/metadata/validate-metadata.ts";
import { sampleMetadata } from "../../helpers/catalog-tree.ts";

const sidecars = join(import.meta.dir, "../../fixtures/sidecars");
const read = (name: string) => readFileSync(join(sidecars, name), "utf8");

const error = (
  code: MetadataProblem["code"],
  path: string,
  message: string,
  line: number,
  col: number,
): MetadataProblem => ({
  code,
  severity: "error",
  path,
  message,
  line,
  col,
});
const warning = (
  code: MetadataProblem["code"],
  path: string,
  message: string,
  line: number,
  col: number,
) => ({
  ...error(code, path, message, line, col),
  severity: "warning" as const,
});

const fixtureCases: [string, boolean, MetadataProblem[]][] = [
  ["python-written.metadata.yaml", true, []],
  ["python-callback.metadata.yaml", true, []],
  ["ckpt-written.metadata.yaml", true, []],
  [
    "invalid-schema-version.metadata.yaml",
    false,
    [
      error(
        "unsupported-schema-version",
        "schema_version",
        'unsupported schema_version "2.0"; supported: "1.0" (quote it: "1.0", not 1.0)',
        1,
        1,
      ),
    ],
  ],
  [
    "invalid-created-at.metadata.yaml",
    false,
    [
      error(
        "invalid-timestamp",
        "created_at",
        'expected an ISO 8601 timestamp like "2025-10-18T14:32:15.123456", got "last Tuesday"',
        4,
        1,
      ),
    ],
  ],
  [
    "invalid-hmean-out-of-range.metadata.yaml",
    false,
    [error("out-of-range", "metrics.hmean", "must be between 0 and 1, got 1.773012975168571", 34, 3)],
  ],
  [
    "invalid-nan-metric.metadata.yaml",
    false,
    [
      error(
        "non-finite-number",
        "metrics.validation_loss",
        "Invalid input: expected number, received NaN",
        35,
        3,
      ),
    ],
  ],
  [
    "invalid-negative-epoch.metadata.yaml",
    false,
    [
      error(
        "out-of-range",
        "training.epoch",
        "epoch must be ≥ 0 (or −1 for a framework's final weights), got -3",
        7,
        3,
      ),
    ],
  ],
  [
    "invalid-wrong-types.metadata.yaml",
    false,
    [
      error("invalid-type", "training.epoch", "Invalid input: expected number, received string", 7, 3),
      error(
        "invalid-type",
        "model.encoder.pretrained",
        "Invalid input: expected boolean, received string",
        15,
        5,
      ),
      error(
        "invalid-type",
        "model.decoder.in_channels[1]",
        "Invalid input: expected number, received string",
        19,
        23,
      ),
      error(
        "invalid-type",
        "checkpointing.save_top_k",
        "Invalid input: expected int, received number",
        43,
        3,
      ),
    ],
  ],
  [
    "invalid-yaml-syntax.metadata.yaml",
    false,
    [
      error(
        "yaml-syntax",
        "",
        "Flow sequence in block collection must be sufficiently indented and end with a ]",
        20,
        5,
      ),
    ],
  ],
  [
    "warning-final-weights-epoch.metadata.yaml",
    true,
    [
      warning(
        "final-weights-epoch",
        "training.epoch",
        "epoch is -1: the framework's final weights, not a training epoch",
        7,
        3,
      ),
    ],
  ],
  [
    "warning-missing-primary-metric.metadata.yaml",
    true,
    [warning("missing-primary-metric", "metrics.hmean", "primary metric hmean has no value", 34, 3)],
  ],
];

describe("validateMetadataText on the sidecar fixtures", () => {
  test.each(fixtureCases)("%s", (name, valid, problems) => {
    const result = validateMetadataText(read(name));
    expect({ valid: result.valid, hasData: result.data !== undefined, problems: result.problems }).toEqual({
      valid,
      hasData: valid,
      problems,
    });
  });

  test("the Python-written fixture validates to its full value", () => {
    expect(validateMetadataText(read("python-written.metadata.yaml")).data).toEqual({
      schema_version: "1.0",
      checkpoint_path: "my_experiment/checkpoints/best.ckpt",
      exp_name: "my_experiment",
      created_at: "2025-10-17T22:00:16.030374",
      training: { epoch: 0, global_step: 205, training_phase: "training" },
      model: {
        architecture: "dbnet",
        encoder: { model_name: "mobilenetv3_small_050", pretrained: true, frozen: false },
        decoder: {
          name: "pan_decoder",
          in_channels: [16, 24, 48, 96],
          inner_channels: 96,
          output_channels: 128,
          params: {},
        },
        head: { name: "db_head", in_channels: 128, params: {} },
        loss: { name: "db_loss", params: {} },
      },
      metrics: {
        precision: 0.8838148314302953,
        recall: 0.7137590043585619,
        hmean: 0.7730129751685711,
        additional_metrics: {
          recall: 0.7137590043585619,
          precision: 0.8838148314302953,
          hmean: 0.7730129751685711,
        },
      },
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 1, save_last: true },
    });
  });
});

const base = validateMetadataText(read("python-written.metadata.yaml")).data;

const valueCases: [string, (value: Record<string, unknown>) => void, MetadataProblem[]][] = [
  [
    "unknown top-level key is a warning",
    (value) => {
      Object.assign(value, { extra: 1 });
    },
    [
      {
        code: "unknown-key",
        severity: "warning",
        path: "extra",
        message: 'unknown top-level key "extra" is ignored (extensions belong under "ckpt:")',
      },
    ],
  ],
  [
    "schema_version written as a float",
    (value) => {
      Object.assign(value, { schema_version: 1 });
    },
    [
      {
        code: "unsupported-schema-version",
        severity: "error",
        path: "schema_version",
        message: 'unsupported schema_version 1; supported: "1.0" (quote it: "1.0", not 1.0)',
      },
    ],
  ],
  [
    "missing required field",
    (value) => {
      Reflect.deleteProperty(value, "exp_name");
    },
    [
      {
        code: "missing-field",
        severity: "error",
        path: "exp_name",
        message: "Invalid input: expected string, received undefined",
      },
    ],
  ],
  [
    "ckpt primary metric without a value is a warning",
    (value) => {
      Object.assign(value, {
        ckpt: {
          framework: "timm",
          primary_metric: { name: "top1", value: null, higher_is_better: true },
          generator: { name: "ckpt", version: "0.1.0" },
        },
      });
    },
    [
      {
        code: "missing-primary-metric",
        severity: "warning",
        path: "ckpt.primary_metric.value",
        message: 'primary metric "top1" has no value',
      },
    ],
  ],
  [
    "infinite additional metric",
    (value) => {
      Object.assign(value, { metrics: { hmean: 0.5, additional_metrics: { "val/loss": Infinity } } });
    },
    [
      {
        code: "non-finite-number",
        severity: "error",
        path: 'metrics.additional_metrics["val/loss"]',
        message: "Invalid input: expected number, received Infinity",
      },
    ],
  ],
];

describe("validateMetadata on values", () => {
  test.each(valueCases)("%s", (_name, change, problems) => {
    const value = structuredClone(base) as Record<string, unknown>;
    change(value);
    expect(validateMetadata(value).problems).toEqual(problems);
  });

  test("not a mapping", () => {
    expect(validateMetadata(["a"])).toEqual({
      valid: false,
      problems: [
        {
          code: "invalid-type",
          severity: "error",
          path: "",
          message: "Invalid input: expected object, received array",
        },
      ],
    });
  });
});

test("only the very object that validated is known valid; copies and invalid objects are not", () => {
  const metadata = sampleMetadata("/runs/a.ckpt", { exp: "a", epoch: 1, hmean: 0.5 });
  expect(isValidatedMetadata(metadata)).toBe(false);
  expect(validateMetadata(metadata).valid).toBe(true);
  expect(isValidatedMetadata(metadata)).toBe(true);
  expect(isValidatedMetadata(structuredClone(metadata))).toBe(false);
  const broken = { ...metadata, training: { ...metadata.training, epoch: "one" } };
  expect(validateMetadata(broken).valid).toBe(false);
  expect(isValidatedMetadata(broken)).toBe(false);
});
