import { checkFileCompleteness } from "../formats/completeness.ts";
import type { DirectoryView } from "../formats/hf-checkpoint-dir.ts";
import { PyDict } from "../formats/pickle/py-dict.ts";
import type { InflateRaw } from "../formats/zip-entry-reader.ts";
import { asInt, field } from "../frameworks/framework-input.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import { readTorchFile } from "./directory-files.ts";
import { judgedDirectoryReport } from "./directory-verdict.ts";
import { MEGATRON_TRACKER, megatronIteration } from "./megatron-tracker.ts";
import { frameworkInput, safetyOf } from "./torch-report.ts";

// Megatron-LM `save_checkpoint` (megatron/training/checkpointing.py): `<save>/iter_0000100/mp_rank_TT[_PPP]/
// model_optim_rng.pt` per tensor/pipeline rank, then (after a barrier) rank 0 writes the tracker
// `<save>/latest_checkpointed_iteration.txt` (the iteration, or `release`). Built from that code's documented
// layout; no Megatron-written sample exists here (it needs CUDA).

const RANK_DIR = /^mp_rank_(\d{2})(?:_(\d{3}))?(?:_(\d{3}))?$/;
const RANK_FILE = "model_optim_rng.pt";

/** A legacy-format iteration dir by its own entries: `mp_rank_TT[_PPP]` sub-directories. */
export function isMegatronIterationDir(names: readonly string[]): boolean {
  return names.some((name) => RANK_DIR.test(name));
}

/**
 * Whether the tracker says this iteration's save finished: it names this iteration or a later one. Undefined when
 * the dir is not an `iter_N` dir (nothing to judge); a missing tracker means no save of the run was committed.
 */
export function megatronCommit(dirName: string | undefined, tracker: string | null | undefined) {
  const iteration = megatronIteration(dirName);
  if (iteration === undefined || tracker === undefined) return undefined;
  const text = tracker?.trim() ?? "";
  const named = /^\d+$/.test(text) ? Number(text) : undefined;
  if (named !== undefined && iteration <= named) return { committed: true, reason: "" };
  const reason =
    tracker === null
      ? `no ${MEGATRON_TRACKER}: Megatron writes it after every rank saved (save in progress or killed)`
      : named === undefined
        ? `${MEGATRON_TRACKER} says '${text}', not an iteration`
        : `newer than iteration ${named} in ${MEGATRON_TRACKER}: save not committed`;
  return { committed: false, reason };
}

function rankFiles(view: DirectoryView): { present: string[]; unfinished: string[] } {
  const present = view.names().filter((name) => {
    const [dir, file, ...rest] = name.split("/");
    return rest.length === 0 && file === RANK_FILE && dir !== undefined && RANK_DIR.test(dir);
  });
  const unfinished = present.filter((name) => {
    const source = view.open(name);
    return source === undefined || checkFileCompleteness(source).state !== "complete";
  });
  return { present: present.sort(), unfinished };
}

/** Tensor × pipeline parallel sizes from the saved `args` Namespace, for the rank dirs the save must hold. */
function expectedRanks(args: PyDict | undefined): string[] | undefined {
  const tp = asInt(args?.get("tensor_model_parallel_size"));
  const pp = asInt(args?.get("pipeline_model_parallel_size"));
  if (tp === undefined || pp === undefined) return undefined;
  const out: string[] = [];
  for (let t = 0; t < tp; t++)
    for (let p = 0; p < pp; p++)
      out.push(
        `mp_rank_${String(t).padStart(2, "0")}${pp > 1 ? `_${String(p).padStart(3, "0")}` : ""}/${RANK_FILE}`,
      );
  return out;
}

/** A legacy-format Megatron-LM iteration dir, judged by its rank files and the tracker. */
export function megatronReport(
  view: DirectoryView,
  options: { base: CheckpointReport; dirName?: string; tracker?: string | null; inflate?: InflateRaw },
): CheckpointReport {
  const { present, unfinished } = rankFiles(view);
  const first = present[0];
  const read =
    first === undefined ? undefined : readTorchFile(view, { name: first, inflate: options.inflate });
  const root = read?.value;
  const input = read?.value === undefined ? undefined : frameworkInput(read.value, read.readScalar);
  const argsValue = field(root ?? null, "args");
  const args = argsValue !== undefined && input ? input.plain(argsValue) : undefined;
  const argsDict = isTaggedObjectDict(argsValue);
  const iteration = asInt(field(root ?? null, "iteration")) ?? megatronIteration(options.dirName);
  const expected = expectedRanks(argsDict);
  const missing = (expected ?? []).filter((name) => !present.includes(name));
  const safety = safetyOf(read ? [read.scan] : []);
  const report: CheckpointReport = {
    ...options.base,
    container: "megatron-dir",
    framework: "megatron",
    framework_confidence: read ? 0.9 : 0.5,
    ...(iteration === undefined ? {} : { global_step: iteration }),
    ...(read ? { pickle_globals: [...read.scan.names], safety } : {}),
    ...(args === undefined ? {} : { args }),
  };
  const commit = megatronCommit(options.dirName, options.tracker);
  const problem =
    present.length === 0
      ? `no ${RANK_FILE} in any mp_rank_* dir yet`
      : unfinished.length > 0
        ? `rank files not finished: ${unfinished.join(", ")}`
        : missing.length > 0
          ? `rank files the saved tensor/pipeline sizes require are missing: ${missing.join(", ")}`
          : commit?.committed === false
            ? commit.reason
            : undefined;
  return judgedDirectoryReport(report, { complete: problem === undefined, reason: problem ?? "" });
}

/** `argparse.Namespace` pickles as an object whose attributes are its fields. */
function isTaggedObjectDict(value: unknown): PyDict | undefined {
  if (typeof value !== "object" || value === null || !("kind" in value)) return undefined;
  const attributes = (value as { attributes?: unknown }).attributes;
  return attributes instanceof PyDict ? attributes : undefined;
}
