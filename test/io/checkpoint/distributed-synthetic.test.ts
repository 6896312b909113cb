import { describe, expect, test } from "bun:test";
import { closeSync, ftruncateSync, openSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readCheckpointReport } from "../../../src/io/checkpoint/read-checkpoint.ts";
import { dcpMetadataBytes, llamaLikeTensors } from "../../helpers/dcp-metadata-bytes.ts";
import { deepSpeedStates } from "../../helpers/deepspeed-states.ts";
import { torchZipBytes, writeTree } from "../../helpers/synthetic-checkpoints.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

// Layouts the real fixtures do not cover (torch ≥ 2.0 DCP, ZeRO-3, model parallel, custom tags, Lightning's
// DeepSpeedStrategy dir), built from the writers' documented file names (engine.py `_get_*_ckpt_name`,
// torch/distributed/checkpoint/{filesystem,metadata}.py) on real temp dirs.

function sized(path: string, size: number): void {
  const fd = openSync(path, "w");
  ftruncateSync(fd, size);
  closeSync(fd);
}

describe("torch ≥ 2.0 distributed checkpoint (torch.distributed.checkpoint)", () => {
  const tensors = llamaLikeTensors({ layers: 2, hidden: 8, ffn: 16, vocab: 32 });
  const { bytes, storageBytes } = dcpMetadataBytes(tensors, [{ fqn: "train_state", length: 64 }]);

  test("complete: .metadata read (enum form of getattr allowed), storage file long enough", () => {
    using dir = makeTempDir("dcp2");
    writeTree(dir.path, { ".metadata": bytes });
    sized(join(dir.path, "__0_0.distcp"), storageBytes);
    const report = readCheckpointReport(dir.path);
    expect({
      status: report.status,
      framework: report.framework,
      safety: report.safety?.status,
      layout: report.dcp?.layout,
      tensors: report.dcp?.tensor_count,
      bytes: report.dcp?.bytes_entries,
      dtypes: report.dcp?.dtypes,
    }).toEqual({
      status: "ok",
      framework: "torch-dcp",
      safety: "safe",
      layout: "torch.distributed.checkpoint",
      tensors: tensors.length,
      bytes: ["train_state"],
      dtypes: { bfloat16: tensors.length },
    });
  });

  test.each([
    [
      "a storage file shorter than .metadata places items in it",
      storageBytes - 1,
      /shorter than \.metadata says: __0_0\.distcp/,
    ],
    ["the storage file missing", -1, /missing: __0_0\.distcp/],
  ] as const)("incomplete: %s", (_name, size, reason) => {
    using dir = makeTempDir("dcp2");
    writeTree(dir.path, { ".metadata": bytes });
    if (size >= 0) sized(join(dir.path, "__0_0.distcp"), size);
    const report = readCheckpointReport(dir.path);
    expect(report.status).toBe("incomplete");
    expect(report.error?.message).toMatch(reason);
  });
});

describe("DeepSpeed layouts by stage, world size and tag", () => {
  const zip = (options: Parameters<typeof deepSpeedStates>[0]) => torchZipBytes(deepSpeedStates(options));
  const optim = torchZipBytes({
    kind: "dict",
    entries: [
      ["optimizer_state_dict", null],
      ["ds_version", "0.14.0"],
    ],
  });

  test("ZeRO-3 with 2 data-parallel ranks: per-rank model and optimizer states; a missing rank file is named", () => {
    using dir = makeTempDir("ds3");
    const tag = "global_step10";
    const files = {
      latest: tag,
      [`${tag}/zero_pp_rank_0_mp_rank_00_model_states.pt`]: zip({ stage: 3, dp: 2, step: 10 }),
      [`${tag}/zero_pp_rank_1_mp_rank_00_model_states.pt`]: zip({ stage: 3, dp: 2, step: 10 }),
      [`${tag}/zero_pp_rank_0_mp_rank_00_optim_states.pt`]: optim,
      [`${tag}/zero_pp_rank_1_mp_rank_00_optim_states.pt`]: optim,
    };
    writeTree(dir.path, files);
    const whole = readCheckpointReport(join(dir.path, tag));
    expect({
      status: whole.status,
      step: whole.global_step,
      stage: whole.deepspeed?.states?.zero_stage,
    }).toEqual({
      status: "ok",
      step: 10,
      stage: 3,
    });
    rmSync(join(dir.path, tag, "zero_pp_rank_1_mp_rank_00_optim_states.pt"));
    const partial = readCheckpointReport(join(dir.path, tag));
    expect(partial.status).toBe("incomplete");
    expect(partial.deepspeed?.tag?.missing_files).toEqual(["zero_pp_rank_1_mp_rank_00_optim_states.pt"]);
  });

  test("model parallel 2: both mp_rank model-states files are required", () => {
    using dir = makeTempDir("dsmp");
    writeTree(dir.path, {
      latest: "global_step4",
      "global_step4/mp_rank_00_model_states.pt": zip({ mp: 2, step: 4 }),
    });
    const report = readCheckpointReport(join(dir.path, "global_step4"));
    expect({ status: report.status, missing: report.deepspeed?.tag?.missing_files }).toEqual({
      status: "incomplete",
      missing: ["mp_rank_01_model_states.pt"],
    });
  });

  test("custom tags: the one `latest` names is committed, another that cannot be ordered against it is not", () => {
    using dir = makeTempDir("dstag");
    writeTree(dir.path, {
      latest: "best",
      "best/mp_rank_00_model_states.pt": zip({ step: 7 }),
      "last/mp_rank_00_model_states.pt": zip({ step: 9 }),
    });
    const run = readCheckpointReport(dir.path);
    expect(run.deepspeed?.run).toMatchObject({
      resume_tag: "best",
      tags_complete: { best: true, last: false },
    });
    const last = readCheckpointReport(join(dir.path, "last"));
    expect(last.status).toBe("incomplete");
    expect(last.error?.message).toContain("not named by `latest` (best)");
  });

  test("no `latest` at all: nothing of the save dir is committed", () => {
    using dir = makeTempDir("dsnolatest");
    writeTree(dir.path, { "global_step2/mp_rank_00_model_states.pt": zip({ step: 2 }) });
    expect(readCheckpointReport(join(dir.path, "global_step2")).status).toBe("incomplete");
    expect(readCheckpointReport(dir.path).deepspeed?.run?.complete).toBe(false);
  });

  test("Lightning DeepSpeedStrategy: x.ckpt/latest + x.ckpt/checkpoint/ is one Lightning checkpoint with DeepSpeed facts", () => {
    using dir = makeTempDir("dslightning");
    const client = {
      epoch: 2,
      global_step: 300,
      "pytorch-lightning_version": "2.2.5",
      loops: null,
      callbacks: null,
    };
    writeTree(dir.path, {
      "epoch=2-step=300.ckpt/latest": "checkpoint",
      "epoch=2-step=300.ckpt/checkpoint/mp_rank_00_model_states.pt": zip({ stage: 2, step: 300, client }),
      "epoch=2-step=300.ckpt/checkpoint/zero_pp_rank_0_mp_rank_00_optim_states.pt": optim,
    });
    const report = readCheckpointReport(join(dir.path, "epoch=2-step=300.ckpt"));
    expect({
      status: report.status,
      container: report.container,
      framework: report.framework,
      step: report.global_step,
      run: report.deepspeed?.run?.complete,
    }).toEqual({
      status: "ok",
      container: "lightning-sharded-dir",
      framework: "lightning",
      step: 300,
      run: true,
    });
  });
});
