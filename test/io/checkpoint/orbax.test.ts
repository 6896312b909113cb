import { describe, expect, test } from "bun:test";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { classifyWatchFile } from "../../../src/core/daemon/watch-paths.ts";
import { readCheckpointReport } from "../../../src/io/checkpoint/read-checkpoint.ts";
import { writeTree } from "../../helpers/synthetic-checkpoints.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

// Orbax step dirs built from orbax/checkpoint/_src/path/{atomicity,step}.py (no Orbax-written sample here).
const metadata = JSON.stringify({
  item_handlers: { default: "PyTreeCheckpointHandler" },
  metrics: { loss: 0.25, accuracy: 0.9 },
  performance_metrics: {},
  init_timestamp_nsecs: 1_700_000_000_000_000_000,
  commit_timestamp_nsecs: 1_700_000_001_000_000_000,
  custom_metadata: { note: "dev" },
});

describe("Orbax step dirs", () => {
  test("a tmp dir is in progress; renamed to <step>/ it is a checkpoint with its metrics and step", () => {
    using dir = makeTempDir("orbax");
    const tmp = join(dir.path, "1200.orbax-checkpoint-tmp-1700000000");
    writeTree(tmp, { _CHECKPOINT_METADATA: metadata, "default/_METADATA": "{}", "default/d/0000": "x" });
    const writing = readCheckpointReport(tmp);
    expect({ status: writing.status, framework: writing.framework }).toEqual({
      status: "incomplete",
      framework: "orbax",
    });
    renameSync(tmp, join(dir.path, "1200"));
    const done = readCheckpointReport(join(dir.path, "1200"));
    expect({
      status: done.status,
      step: done.global_step,
      metrics: done.orbax?.metrics,
      items: done.orbax?.items,
      committed_at: done.orbax?.commit_timestamp_nsecs,
    }).toEqual({
      status: "ok",
      step: 1200,
      metrics: { loss: 0.25, accuracy: 0.9 },
      items: ["default"],
      committed_at: 1_700_000_001_000_000_000,
    });
  });

  test("the daemon settles the step dir when its metadata or commit file appears", () => {
    expect(classifyWatchFile("/r/ckpts/1200/commit_success.txt")).toEqual({
      kind: "checkpoint-dir-member",
      checkpointDir: "/r/ckpts/1200",
    });
  });
});
