import { z } from "zod";
import { type DirectoryView, readPythonJsonFile } from "../formats/hf-checkpoint-dir.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import { judgedDirectoryReport } from "./directory-verdict.ts";
import type { OrbaxFacts } from "./distributed-report-parts.ts";

// Orbax CheckpointManager (orbax/checkpoint/_src/path/atomicity.py, step.py): a step is written into
// `<root>/<step>.orbax-checkpoint-tmp-<ts>/` and renamed to `<root>/<step>/` when finalized; on object stores, where
// rename is not atomic, `commit_success.txt` is written into the step dir instead. `_CHECKPOINT_METADATA` (JSON)
// holds metrics and timestamps. Built from that code; no Orbax-written sample exists here.

const ORBAX_METADATA = "_CHECKPOINT_METADATA";
const COMMIT_SUCCESS = "commit_success.txt";
const TMP_DIR = /\.orbax-checkpoint-tmp-\d+$/;
const STEP_NAME = /^(?:.*_)?(\d+)(?:\.orbax-checkpoint-tmp-\d+)?$/;

const CheckpointMetadata = z.looseObject({
  metrics: z.json().optional(),
  init_timestamp_nsecs: z.number().nullable().optional(),
  commit_timestamp_nsecs: z.number().nullable().optional(),
  custom_metadata: z.json().optional(),
});

/** An Orbax step dir by its own entries: `_CHECKPOINT_METADATA` or `commit_success.txt`. */
export function isOrbaxStepDir(names: readonly string[]): boolean {
  return names.includes(ORBAX_METADATA) || names.includes(COMMIT_SUCCESS);
}

function verdict(dirName: string, hasCommitFile: boolean): { complete: boolean; reason: string } {
  if (TMP_DIR.test(dirName))
    return {
      complete: false,
      reason: "a *.orbax-checkpoint-tmp-* dir: Orbax renames it when the step is finalized",
    };
  return {
    complete: true,
    reason: hasCommitFile ? "commit_success.txt written at finalize" : "renamed from its tmp dir at finalize",
  };
}

/** An Orbax step dir: `_CHECKPOINT_METADATA` read (a small JSON file); item payloads (OCDBT, msgpack) never. */
export function orbaxReport(
  view: DirectoryView,
  options: { base: CheckpointReport; dirName?: string },
): CheckpointReport {
  const dirName = options.dirName ?? "";
  const names = view.names();
  const items = [
    ...new Set(names.filter((name) => name.includes("/")).map((name) => name.split("/")[0] ?? "")),
  ].sort();
  const metadata = readPythonJsonFile(view, { name: ORBAX_METADATA, schema: CheckpointMetadata });
  const data = metadata?.success ? metadata.data : undefined;
  const step = STEP_NAME.exec(dirName)?.[1];
  const { complete, reason } = verdict(dirName, names.includes(COMMIT_SUCCESS));
  const orbax: OrbaxFacts = {
    step_from_name: step === undefined ? null : Number(step),
    items,
    metrics: data?.metrics ?? null,
    init_timestamp_nsecs: data?.init_timestamp_nsecs ?? null,
    commit_timestamp_nsecs: data?.commit_timestamp_nsecs ?? null,
    custom_metadata: data?.custom_metadata ?? null,
    commit_success_file: names.includes(COMMIT_SUCCESS),
    complete,
    complete_reason: reason,
  };
  const report: CheckpointReport = {
    ...options.base,
    container: "orbax-dir",
    framework: "orbax",
    framework_confidence: names.includes(ORBAX_METADATA) ? 1 : 0.7,
    ...(step === undefined ? {} : { global_step: Number(step) }),
    // No pickles: Orbax stores arrays in OCDBT/tensorstore and metadata as JSON/msgpack.
    safety: { status: "safe", dangerous: [], unknown: [], notes: [] },
    orbax,
    ...(metadata?.success === false ? { warnings: [metadata.error] } : {}),
  };
  return judgedDirectoryReport(report, { complete, reason });
}
