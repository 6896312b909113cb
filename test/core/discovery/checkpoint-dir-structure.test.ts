import { expect, test } from "bun:test";
import { structuralDirKind } from "../../../src/core/discovery/checkpoint-dir-structure.ts";
import { saveDirOfMember } from "../../../src/core/discovery/checkpoint-member-names.ts";

// One directory's own entries (files and sub-dirs) → the kind discovery and the directory reader both use.
test.each<[string, string[], ReturnType<typeof structuralDirKind>]>([
  ["Megatron iter dir (rank sub-dirs)", ["mp_rank_00", "mp_rank_01"], "megatron"],
  ["torch DCP", [".metadata", "__0_0.distcp"], "dcp"],
  ["Lightning sharded .ckpt/ (DCP + meta.pt)", [".metadata", "__0_0.distcp", "meta.pt"], "lightning-sharded"],
  ["Orbax step", ["_CHECKPOINT_METADATA", "default"], "orbax"],
  ["TensorFlow", ["ckpt-7.index", "ckpt-7.data-00000-of-00001", "checkpoint"], "tf"],
  ["Accelerate save_state", ["model.safetensors", "random_states_0.pkl"], "accelerate"],
  ["PEFT adapter", ["adapter_config.json", "adapter_model.safetensors"], "peft"],
  [
    "DeepSpeed tag",
    ["mp_rank_00_model_states.pt", "zero_pp_rank_0_mp_rank_00_optim_states.pt"],
    "deepspeed-tag",
  ],
  [
    "sharded save_pretrained",
    ["model.safetensors.index.json", "model-00001-of-00002.safetensors"],
    "hf-sharded",
  ],
  ["DeepSpeed save dir (its tags are the checkpoints)", ["latest", "global_step4", "zero_to_fp32.py"], null],
  ["plain folder", ["notes.txt", "model.pt"], null],
])("%s", (_name, entries, kind) => {
  expect(structuralDirKind(entries)).toEqual(kind);
});

test.each<[string, string | undefined]>([
  ["/r/ds/global_step6/mp_rank_00_model_states.pt", "/r/ds/global_step6"],
  ["/r/ds/best/zero_pp_rank_1_mp_rank_00_optim_states.pt", "/r/ds/best"],
  ["/r/m/iter_0001200/common.pt", "/r/m/iter_0001200"],
  ["/r/global_step6/model.pt", undefined],
  ["/r/checkpoints/last.ckpt", undefined],
])("saveDirOfMember(%s)", (path, expected) => {
  expect(saveDirOfMember(path)).toEqual(expected);
});
