import type { DirectoryView } from "../formats/hf-checkpoint-dir.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import { judgedDirectoryReport } from "./directory-verdict.ts";
import type { TfCheckpointFacts } from "./distributed-report-parts.ts";

// TensorFlow `tf.train.CheckpointManager` / `Saver`: `<prefix>.index` + `<prefix>.data-0000k-of-0000n` are written,
// then the `checkpoint` pointer (a CheckpointState text proto) is rewritten to name the new prefix. A pointer can
// name a prefix whose files are gone (tensorflow#14608). Built from TF's documented layout; no sample here.

const POINTER = "checkpoint";
const INDEX = /^(.+)\.index$/;
const DATA = /^(.+)\.data-(\d{5})-of-(\d{5})$/;
const FIELD = /^\s*(model_checkpoint_path|all_model_checkpoint_paths)\s*:\s*"((?:[^"\\]|\\.)*)"\s*$/;

/** A TF checkpoint dir by its files: a `.index` with its `.data-*` shard beside it. */
export function isTfCheckpointDir(names: readonly string[]): boolean {
  const prefixes = new Set(names.flatMap((name) => INDEX.exec(name)?.[1] ?? []));
  return names.some((name) => prefixes.has(DATA.exec(name)?.[1] ?? "\0"));
}

/** `model_checkpoint_path` and `all_model_checkpoint_paths` of the pointer; paths are relative or absolute. */
function parsePointer(text: string) {
  let latest: string | null = null;
  const all: string[] = [];
  for (const line of text.split("\n")) {
    const match = FIELD.exec(line);
    if (match === null) continue;
    const value = (match[2] ?? "").replace(/\\(.)/g, "$1");
    if (match[1] === "model_checkpoint_path") latest = value;
    else all.push(value);
  }
  return { latest, all };
}

const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);

function missingOf(names: readonly string[], prefix: string): string[] {
  const shards = names.flatMap((name) => {
    const match = DATA.exec(name);
    return match?.[1] === prefix ? [Number(match[3])] : [];
  });
  const total = shards[0] ?? 1;
  const expected = [`${prefix}.index`];
  for (let k = 0; k < total; k++)
    expected.push(`${prefix}.data-${String(k).padStart(5, "0")}-of-${String(total).padStart(5, "0")}`);
  return expected.filter((name) => !names.includes(name));
}

/** A TensorFlow checkpoint dir: the pointer read (a few hundred bytes), file names checked; no tensor read. */
export function tfCheckpointReport(
  view: DirectoryView,
  options: { base: CheckpointReport },
): CheckpointReport {
  const names = view.names().filter((name) => !name.includes("/"));
  const source = names.includes(POINTER) ? view.open(POINTER) : undefined;
  const pointer = source
    ? parsePointer(new TextDecoder().decode(source.read(0, Math.min(source.size, 1 << 20))))
    : undefined;
  const latest = pointer?.latest ? baseName(pointer.latest) : null;
  const missing = latest === null ? [] : missingOf(names, latest);
  const tf: TfCheckpointFacts = {
    model_checkpoint_path: pointer?.latest ?? null,
    all_model_checkpoint_paths: pointer?.all ?? [],
    prefixes_on_disk: names.flatMap((name) => INDEX.exec(name)?.[1] ?? []).sort(),
    missing_files: missing,
    complete: latest !== null && missing.length === 0,
    complete_reason:
      latest === null
        ? "no `checkpoint` pointer naming a checkpoint: TF writes it after the index and data files"
        : missing.length > 0
          ? `the pointer names ${latest}, whose files are missing: ${missing.join(", ")}`
          : `the pointer names ${latest} and its index and data shards are present`,
  };
  const step = /(\d+)$/.exec(latest ?? "")?.[1];
  const report: CheckpointReport = {
    ...options.base,
    container: "tf-checkpoint-dir",
    framework: "tensorflow",
    framework_confidence: source ? 1 : 0.6,
    ...(step === undefined ? {} : { global_step: Number(step) }),
    safety: { status: "safe", dangerous: [], unknown: [], notes: ["TF checkpoints hold no pickles"] },
    tf,
  };
  return judgedDirectoryReport(report, { complete: tf.complete, reason: tf.complete_reason });
}
