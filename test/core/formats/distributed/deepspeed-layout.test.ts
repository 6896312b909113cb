import { expect, test } from "bun:test";
import { deepSpeedTags, isDeepSpeedTag } from "../../../../src/core/formats/distributed/deepspeed-layout.ts";

// DeepSpeed's rule: a tag is the directory `save_checkpoint` wrote rank files into, whatever its name.
test.each<[string, string[], boolean]>([
  ["model states", ["mp_rank_00_model_states.pt"], true],
  ["ZeRO-3 per-rank model states", ["zero_pp_rank_0_mp_rank_00_model_states.pt"], true],
  [
    "optimizer states only (model states not written yet)",
    ["bf16_zero_pp_rank_0_mp_rank_00_optim_states.pt"],
    true,
  ],
  ["a save dir: its tags are sub-dirs", ["latest", "global_step4", "zero_to_fp32.py"], false],
  ["a plain torch file", ["model_states.pt"], false],
])("isDeepSpeedTag: %s", (_name, entries, expected) => {
  expect(isDeepSpeedTag(entries)).toEqual(expected);
});

test("deepSpeedTags: every sub-dir holding rank files, any name, in step order; deeper files are not a tag's", () => {
  const names = [
    "best/mp_rank_00_model_states.pt",
    "global_step10/mp_rank_00_model_states.pt",
    "global_step9/zero_pp_rank_0_mp_rank_00_optim_states.pt",
    "latest",
    "logs/events.out",
    "nested/deeper/mp_rank_00_model_states.pt",
  ];
  expect(deepSpeedTags(names)).toEqual(["best", "global_step9", "global_step10"]);
});
