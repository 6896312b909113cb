// File names `DeepSpeedEngine.save_checkpoint` writes into `<save_dir>/<tag>/` (engine.py `_get_ckpt_name`,
// `_get_zero_ckpt_name`, `_get_rank_zero_ckpt_name`), and the `latest` file it writes last into `<save_dir>/`.

/** `mp_rank_NN_model_states.pt`, or ZeRO-3's per-rank `zero_pp_rank_D_mp_rank_NN_model_states.pt`. */
const MODEL_STATES = /^(?:zero_pp_rank_(\d+)_)?mp_rank_(\d+)_model_states\.pt$/;
/** `[bf16_]zero_pp_rank_D_mp_rank_NN_optim_states.pt` (bf16 runs use DeepSpeed's BF16_Optimizer prefix). */
const OPTIM_STATES = /^(bf16_)?zero_pp_rank_(\d+)_mp_rank_(\d+)_optim_states\.pt$/;
export const LATEST_FILE = "latest";
export const ZERO_TO_FP32 = "zero_to_fp32.py";

function isModelStatesName(name: string): boolean {
  return MODEL_STATES.test(name);
}

/** A file `save_checkpoint` writes into a tag dir: model states or ZeRO optimizer states of one rank. */
export function isDeepSpeedFileName(name: string): boolean {
  return MODEL_STATES.test(name) || OPTIM_STATES.test(name);
}

/**
 * DeepSpeed's own rule for a tag: `save_checkpoint(save_dir, tag)` writes the rank files into `<save_dir>/<tag>/`
 * (any tag name; `global_step{N}` by default) and `load_checkpoint` reads the tag `latest` names. So a directory
 * is a tag by the rank files it holds, never by its name. `names` are the directory's own entries.
 */
export function isDeepSpeedTag(names: readonly string[]): boolean {
  return names.some(isDeepSpeedFileName);
}

/**
 * Tags of a save dir and their files (`names` are the save dir's file paths, `<tag>/<file>`): each sub-dir that is
 * a tag, in step order, grouped in one pass.
 */
export function deepSpeedTagFiles(names: readonly string[]): Map<string, string[]> {
  const filesByDir = new Map<string, string[]>();
  for (const name of names) {
    const [dir, file, ...rest] = name.split("/");
    if (dir === undefined || file === undefined || rest.length > 0) continue;
    const files = filesByDir.get(dir);
    if (files === undefined) filesByDir.set(dir, [file]);
    else files.push(file);
  }
  const tags = [...filesByDir].filter(([, files]) => isDeepSpeedTag(files));
  return new Map(tags.sort(([a], [b]) => (tagNumber(a) ?? 0) - (tagNumber(b) ?? 0) || a.localeCompare(b)));
}

/** The tags of a save dir, in step order (see deepSpeedTagFiles). */
export function deepSpeedTags(names: readonly string[]): string[] {
  return [...deepSpeedTagFiles(names).keys()];
}

/** The save dir's own entries a tag's report reads besides the tag: `latest` (commitment) and the fp32 script. */
export function saveDirEntriesOfTag(tag: string): string[] {
  return [LATEST_FILE, ZERO_TO_FP32, tag];
}

/** The trailing number of a tag (`global_step120` → 120); the default tag is `global_step{N}`. */
export function tagNumber(tag: string): number | undefined {
  const digits = /(\d+)$/.exec(tag)?.[1];
  return digits === undefined ? undefined : Number(digits);
}

/** The model-states file the engine facts are read from: rank 0's. */
export function primaryModelStates(files: readonly string[]): string | undefined {
  return (
    files.find((name) => name === "mp_rank_00_model_states.pt") ??
    files.find((name) => name === "zero_pp_rank_0_mp_rank_00_model_states.pt") ??
    files.filter(isModelStatesName).sort()[0]
  );
}

export type DeepSpeedLayout = {
  readonly zeroStage: number;
  readonly dpWorldSize: number;
  readonly mpWorldSize: number;
  readonly bf16: boolean;
};

const rank2 = (rank: number) => String(rank).padStart(2, "0");

/**
 * Files a tag of this stage and world size holds. ZeRO 1–2 and bf16 (any stage) write one optimizer file per
 * data-parallel rank; ZeRO-3 also writes model states per rank. A zero file with or without `bf16_` counts.
 */
export function expectedDeepSpeedFiles(layout: DeepSpeedLayout): string[][] {
  const expected: string[][] = [];
  const ranks = (n: number) => Array.from({ length: Math.max(1, n) }, (_, i) => i);
  for (const mp of ranks(layout.mpWorldSize)) {
    if (layout.zeroStage === 3)
      for (const dp of ranks(layout.dpWorldSize))
        expected.push([`zero_pp_rank_${dp}_mp_rank_${rank2(mp)}_model_states.pt`]);
    else expected.push([`mp_rank_${rank2(mp)}_model_states.pt`]);
  }
  if (layout.zeroStage > 0 || layout.bf16)
    for (const mp of ranks(layout.mpWorldSize))
      for (const dp of ranks(layout.dpWorldSize)) {
        const plain = `zero_pp_rank_${dp}_mp_rank_${rank2(mp)}_optim_states.pt`;
        expected.push(layout.bf16 ? [`bf16_${plain}`, plain] : [plain, `bf16_${plain}`]);
      }
  return expected;
}
