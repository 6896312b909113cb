import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  parseWandbConfig,
  parseWandbMetadata,
  parseWandbRunDirName,
  parseWandbSummary,
  type WandbRunDirName,
} from "../../../src/core/runs/wandb-run.ts";

const WANDB = join(import.meta.dir, "../../fixtures/runs/wandb/project/wandb");
const text = (run: string, name: string) => readFileSync(join(WANDB, run, "files", name), "utf8");

describe("parseWandbRunDirName", () => {
  const start = { year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5 };
  const cases: [string, WandbRunDirName | undefined][] = [
    ["run-20240102_030405-abc123xy", { mode: "online", start, runId: "abc123xy" }],
    ["offline-run-20240102_030405-my-custom-id", { mode: "offline", start, runId: "my-custom-id" }],
    ["latest-run", undefined],
    ["run-2024-abc", undefined],
  ];
  test.each(cases)("%s", (name, expected) => {
    expect(parseWandbRunDirName(name)).toEqual(expected);
  });
});

test("config.yaml, legacy dialect: {desc, value} unwrapped, wandb_version and _wandb dropped", () => {
  expect(parseWandbConfig(text("run-20240102_030405-abc123xy", "config.yaml"), "config.yaml")).toEqual({
    success: true,
    data: { lr: 0.001, model: { encoder: "resnet18", channels: [8, 16] }, epochs: 10 },
  });
});

test("config.yaml, wandb-core dialect: {value} unwrapped", () => {
  expect(parseWandbConfig(text("run-20240103_101010-core0001", "config.yaml"), "config.yaml")).toEqual({
    success: true,
    data: { lr: 0.0005, model: { channels: [8, 16], encoder: "resnet34" }, tags: ["dev", "1.0"] },
  });
});

test("wandb-summary.json with bare NaN/Infinity", () => {
  const parsed = parseWandbSummary(text("run-20240102_030405-abc123xy", "wandb-summary.json"), "s.json");
  if (!parsed.success) throw new Error(parsed.error.message);
  const { values, ...rest } = parsed.data;
  const point = (name: string, value: number) => ({
    name,
    step: 24,
    epoch: 2,
    value,
    wallTime: 1704164657.5,
  });
  expect(rest).toEqual({
    step: 24,
    runtimeSeconds: 12.5,
    timestamp: 1704164657.5,
    points: [
      point("val/hmean", 0.8467),
      point("val/loss", Number.NaN),
      point("train/loss", Number.POSITIVE_INFINITY),
      point("grad_norm", Number.NEGATIVE_INFINITY),
    ],
  });
  expect(values["samples"]).toEqual({ _type: "table-file", path: "media/table/samples.json" });
});

test("wandb-metadata.json stays a loose record; a partial file is an error", () => {
  const metadata = parseWandbMetadata(text("run-20240102_030405-abc123xy", "wandb-metadata.json"), "m.json");
  if (!metadata.success) throw new Error(metadata.error.message);
  expect([metadata.data["program"], metadata.data["startedAt"]]).toEqual([
    "train.py",
    "2024-01-02T03:04:05.000000",
  ]);
  expect(parseWandbSummary('{"a": 1', "files/wandb-summary.json").success).toBe(false);
  expect(parseWandbSummary("[1]", "files/wandb-summary.json").success).toBe(false);
});
