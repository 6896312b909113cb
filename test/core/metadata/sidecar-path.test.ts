import { describe, expect, test } from "bun:test";
import {
  type CheckpointKind,
  checkpointCandidatesForSidecar,
  isSidecarFileName,
  isSidecarTempFileName,
  sidecarPathFor,
  sidecarTempPath,
} from "../../../src/core/metadata/sidecar-path.ts";

const pathCases: [string, CheckpointKind | undefined, string][] = [
  ["runs/a/best.ckpt", undefined, "runs/a/best.metadata.yaml"],
  ["runs/a/epoch=2-step=24.ckpt", undefined, "runs/a/epoch=2-step=24.metadata.yaml"],
  ["x.pth.tar", undefined, "x.metadata.yaml"],
  ["/abs/model_best.pth.tar", undefined, "/abs/model_best.metadata.yaml"],
  ["a.pt", undefined, "a.metadata.yaml"],
  ["a.pth", undefined, "a.metadata.yaml"],
  ["a.bin", undefined, "a.metadata.yaml"],
  ["a.safetensors", undefined, "a.metadata.yaml"],
  ["A.CKPT", undefined, "A.metadata.yaml"],
  ["model.v2.ckpt", undefined, "model.v2.metadata.yaml"],
  ["weights.h5", undefined, "weights.metadata.yaml"],
  ["noext", undefined, "noext.metadata.yaml"],
  ["out/checkpoint-500", "directory", "out/checkpoint-500/ckpt.metadata.yaml"],
  ["out/checkpoint-500/", undefined, "out/checkpoint-500/ckpt.metadata.yaml"],
];

describe("sidecarPathFor", () => {
  test.each(pathCases)("%s (%s)", (path, kind, expected) => {
    expect(sidecarPathFor(path, kind ? { kind } : {})).toBe(expected);
  });
});

const nameCases: [string, boolean, boolean][] = [
  ["best.metadata.yaml", true, false],
  ["ckpt.metadata.yaml", true, false],
  [".metadata.yaml", false, false],
  ["best.yaml", false, false],
  [".best.metadata.yaml.ckpt-tmp-0a1b2c", false, true],
  ["best.metadata.yaml.ckpt-tmp-0a1b2c", false, false],
  [".best.metadata.yaml.ckpt-tmp-", false, false],
];

describe("isSidecarFileName / isSidecarTempFileName", () => {
  test.each(nameCases)("%s", (name, sidecar, temp) => {
    expect([isSidecarFileName(name), isSidecarTempFileName(name)]).toEqual([sidecar, temp]);
  });
});

describe("checkpointCandidatesForSidecar", () => {
  test("a file sidecar maps to same-stem checkpoints", () => {
    expect(checkpointCandidatesForSidecar("runs/best.metadata.yaml")).toEqual([
      "runs/best.pth.tar",
      "runs/best.safetensors",
      "runs/best.keras",
      "runs/best.ckpt",
      "runs/best.gguf",
      "runs/best.onnx",
      "runs/best.nemo",
      "runs/best.pth",
      "runs/best.pt",
      "runs/best.bin",
    ]);
  });

  test("ckpt.metadata.yaml in checkpoint-N/ belongs to that directory first", () => {
    expect(checkpointCandidatesForSidecar("out/checkpoint-500/ckpt.metadata.yaml")[0]).toBe(
      "out/checkpoint-500",
    );
  });

  test("not a sidecar", () => {
    expect(checkpointCandidatesForSidecar("runs/config.yaml")).toEqual([]);
  });
});

describe("sidecarTempPath", () => {
  test("hidden, same directory, recognised as ours", () => {
    const temp = sidecarTempPath("a/b/best.metadata.yaml", "k3x9");
    expect(temp).toBe("a/b/.best.metadata.yaml.ckpt-tmp-k3x9");
    expect(isSidecarTempFileName(temp.slice("a/b/".length))).toBe(true);
  });
});
