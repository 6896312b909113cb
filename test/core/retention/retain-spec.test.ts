import { describe, expect, test } from "bun:test";
import {
  deepSpeedPointer,
  hfBestPointer,
  megatronPointer,
} from "../../../src/core/retention/pointer-files.ts";
import { parsePolicyFile, parseRetainSpec } from "../../../src/core/retention/retain-spec.ts";
import { emptyPolicy, type RetentionPolicy } from "../../../src/core/retention/retention-policy.ts";

const standing = { ...emptyPolicy(), includeActive: true };

describe("parseRetainSpec", () => {
  test.each<[string, RetentionPolicy]>([
    [
      "best=3,last=2,every=10",
      { ...standing, keepBest: 3, keepLast: 2, keepEvery: { count: 10, unit: "steps" } },
    ],
    ["last=1, every=5epochs", { ...standing, keepLast: 1, keepEvery: { count: 5, unit: "epochs" } }],
    ["best=2,metric=val/hmean", { ...standing, keepBest: 2, metric: "hmean" }],
    ["since=7d", { ...standing, keepSinceMs: 7 * 86_400_000 }],
  ])("%s", (text, policy) => {
    expect(parseRetainSpec(text)).toEqual({ success: true, data: policy });
  });

  test.each([
    [
      "lats=2",
      "unknown key 'lats'; use best, last, every, since, metric, delete-unranked. Did you mean 'last'?",
    ],
    ["best=0", "best: '0' is not a count; use a whole number of at least 1"],
    ["every=10x", "every: '10x' is not an interval; use a count of steps (1000) or epochs (5epochs)"],
    ["best", "'best' is not key=value (as in best=3,last=2,every=10)"],
    ["metric=hmean", "no rule says what to keep: give best, last, every or since"],
  ])("%s is refused", (text, error) => {
    expect(parseRetainSpec(text)).toEqual({ success: false, error });
  });
});

describe("parsePolicyFile", () => {
  test("a mapping with dry_run, the spec as text, no retain key, broken YAML", () => {
    expect(parsePolicyFile("retain:\n  best: 3\n  last: 2\n  dry_run: true\n", "r/ckpt.yaml")).toEqual({
      success: true,
      data: { policy: { ...standing, keepBest: 3, keepLast: 2 }, dryRun: true },
    });
    expect(parsePolicyFile("retain: last=4\n", "r/ckpt.yaml")).toEqual({
      success: true,
      data: { policy: { ...standing, keepLast: 4 }, dryRun: false },
    });
    expect(parsePolicyFile("other: 1\n", "r/ckpt.yaml")).toEqual({ success: true, data: null });
    const broken = parsePolicyFile("retain: [1,\n", "r/ckpt.yaml");
    expect(broken.success).toBe(false);
    expect(broken.success ? "" : broken.error).toStartWith("r/ckpt.yaml: not YAML (");
  });
});

describe("pointer files", () => {
  test.each([
    [
      "deepspeed",
      deepSpeedPointer("/o", "global_step1200\n"),
      { target: "/o/global_step1200", name: "latest" },
    ],
    ["deepspeed escaping", deepSpeedPointer("/o", "../../etc"), null],
    [
      "megatron",
      megatronPointer("/m", "1200\n"),
      { target: "/m/iter_0001200", name: "latest_checkpointed_iteration.txt" },
    ],
    [
      "megatron release",
      megatronPointer("/m", "release"),
      { target: "/m/release", name: "latest_checkpointed_iteration.txt" },
    ],
    ["megatron junk", megatronPointer("/m", "twelve"), null],
    [
      "hf best from another machine",
      hfBestPointer("/runs/out", "/home/them/out/checkpoint-500"),
      { target: "/runs/out/checkpoint-500", name: "best_model_checkpoint" },
    ],
    ["hf none", hfBestPointer("/runs/out", null), null],
  ])("%s", (_name, pointer, expected) => {
    expect(pointer).toEqual(expected);
  });
});
