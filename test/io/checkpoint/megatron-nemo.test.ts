import { describe, expect, test } from "bun:test";
import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { classifyWatchFile } from "../../../src/core/daemon/watch-paths.ts";
import { inputDict } from "../../../src/core/formats/pickle/pickle-input.ts";
import { readCheckpointReport } from "../../../src/io/checkpoint/read-checkpoint.ts";
import { binUnicode, global, type PicklePart, pk, u32 } from "../../helpers/pickle-bytes.ts";
import { torchZipBytes, torchZipOfPickle, writeTree } from "../../helpers/synthetic-checkpoints.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

// Megatron-LM and NeMo layouts built from their writers' code (megatron/training/checkpointing.py, NeMo's
// nemo_model_checkpoint.py): no sample written by them exists here (they need CUDA).

const int = (n: number): PicklePart => ["J", u32(n)];

/** `model_optim_rng.pt`: {iteration, checkpoint_version, args: argparse.Namespace(tp, pp)} as torch.save writes it. */
function megatronRankFile(iteration: number, tp: number, pp: number): Uint8Array {
  const args: PicklePart = [
    global("argparse", "Namespace"),
    ")",
    0x81,
    "}",
    "(",
    binUnicode("tensor_model_parallel_size"),
    int(tp),
    binUnicode("pipeline_model_parallel_size"),
    int(pp),
    "u",
    "b",
  ];
  const root: PicklePart = ["}", "(", binUnicode("iteration"), int(iteration), binUnicode("args"), args, "u"];
  return torchZipOfPickle(pk(0x80, 2, root, "."));
}

describe("Megatron-LM iter_NNNNNNN dirs", () => {
  test("committed when the tracker names it; the rank dirs tp × pp require are checked", () => {
    using dir = makeTempDir("megatron");
    writeTree(dir.path, {
      "latest_checkpointed_iteration.txt": "200",
      "iter_0000100/mp_rank_00_000/model_optim_rng.pt": megatronRankFile(100, 1, 2),
      "iter_0000100/mp_rank_00_001/model_optim_rng.pt": megatronRankFile(100, 1, 2),
      "iter_0000200/mp_rank_00_000/model_optim_rng.pt": megatronRankFile(200, 1, 2),
    });
    const old = readCheckpointReport(join(dir.path, "iter_0000100"));
    expect({ status: old.status, framework: old.framework, step: old.global_step }).toEqual({
      status: "ok",
      framework: "megatron",
      step: 100,
    });
    const partial = readCheckpointReport(join(dir.path, "iter_0000200"));
    expect(partial.status).toBe("incomplete");
    expect(partial.error?.message).toContain("mp_rank_00_001/model_optim_rng.pt");
  });

  test("an iteration newer than the tracker, or with no tracker, is not committed", () => {
    using dir = makeTempDir("megatron");
    writeTree(dir.path, {
      "latest_checkpointed_iteration.txt": "100",
      "iter_0000300/mp_rank_00/model_optim_rng.pt": megatronRankFile(300, 1, 1),
    });
    const newer = readCheckpointReport(join(dir.path, "iter_0000300"));
    expect(newer.error?.message).toContain("newer than iteration 100 in latest_checkpointed_iteration.txt");
    rmSync(join(dir.path, "latest_checkpointed_iteration.txt"));
    expect(readCheckpointReport(join(dir.path, "iter_0000300")).error?.message).toContain(
      "no latest_checkpointed_iteration.txt",
    );
  });

  test("the daemon settles a rank file's iteration dir, not the file", () => {
    expect(classifyWatchFile("/s/iter_0000100/mp_rank_01_002/model_optim_rng.pt")).toEqual({
      kind: "checkpoint-dir-member",
      checkpointDir: "/s/iter_0000100",
    });
  });
});

describe("NeMo's -unfinished marker", () => {
  test("a checkpoint with `<stem>-unfinished` beside it is in progress until the marker goes", () => {
    using dir = makeTempDir("nemo");
    const ckpt = join(dir.path, "megatron_gpt--step=100.ckpt");
    writeFileSync(ckpt, torchZipBytes(inputDict({ epoch: 1, global_step: 100 })));
    writeFileSync(join(dir.path, "megatron_gpt--step=100-unfinished"), "");
    const marked = readCheckpointReport(ckpt);
    expect(marked.status).toBe("incomplete");
    expect(marked.error?.message).toContain("-unfinished marker");
    unlinkSync(join(dir.path, "megatron_gpt--step=100-unfinished"));
    expect(readCheckpointReport(ckpt).status).toBe("ok");
  });
});
