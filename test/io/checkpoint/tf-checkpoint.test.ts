import { describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { classifyWatchFile } from "../../../src/core/daemon/watch-paths.ts";
import { readCheckpointReport } from "../../../src/io/checkpoint/read-checkpoint.ts";
import { writeTree } from "../../helpers/synthetic-checkpoints.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

// TensorFlow CheckpointManager layout (CheckpointState text proto + `<prefix>.index` + `.data-k-of-n`), built from
// TF's documented format: no TF-written sample exists here. The index SSTable is never read.
const pointer = (latest: string, all: string[]) =>
  [`model_checkpoint_path: "${latest}"`, ...all.map((path) => `all_model_checkpoint_paths: "${path}"`)].join(
    "\n",
  );

describe("TensorFlow checkpoint dirs", () => {
  test("the pointer names the newest prefix; complete when its index and every data shard are there", () => {
    using dir = makeTempDir("tf");
    writeTree(dir.path, {
      checkpoint: pointer("ckpt-3", ["ckpt-2", "ckpt-3"]),
      "ckpt-2.index": "i",
      "ckpt-2.data-00000-of-00001": "d",
      "ckpt-3.index": "i",
      "ckpt-3.data-00000-of-00002": "d",
      "ckpt-3.data-00001-of-00002": "d",
    });
    const report = readCheckpointReport(dir.path);
    expect({ status: report.status, framework: report.framework, step: report.global_step }).toEqual({
      status: "ok",
      framework: "tensorflow",
      step: 3,
    });
    rmSync(join(dir.path, "ckpt-3.data-00001-of-00002"));
    const partial = readCheckpointReport(dir.path);
    expect({ status: partial.status, missing: partial.tf?.missing_files }).toEqual({
      status: "incomplete",
      missing: ["ckpt-3.data-00001-of-00002"],
    });
  });

  test("files written before the pointer names them are not a checkpoint yet", () => {
    using dir = makeTempDir("tf");
    writeTree(dir.path, { "ckpt-1.index": "i", "ckpt-1.data-00000-of-00001": "d" });
    expect(readCheckpointReport(dir.path).status).toBe("incomplete");
    writeFileSync(join(dir.path, "checkpoint"), pointer("ckpt-1", ["ckpt-1"]));
    expect(readCheckpointReport(dir.path).status).toBe("ok");
    expect(classifyWatchFile("/r/tf/ckpt-1.data-00000-of-00001")).toEqual({
      kind: "checkpoint-dir-member",
      checkpointDir: "/r/tf",
    });
  });
});
