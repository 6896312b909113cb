import type { ByteSource } from "../../core/bytes/byte-source.ts";
import type { CheckpointReport } from "../../core/checkpoint/checkpoint-report.ts";
import { planStrippedZip, type StrippedZip } from "../../core/retention/stripped-zip-layout.ts";
import { readCheckpointReport } from "../checkpoint/read-checkpoint.ts";

// What an optimizer strip requires of a checkpoint before it starts (read whole and safe by ckpt's reader, a plain
// torch zip dict the planner can cut) and of the new file before it replaces the old one: ckpt's own reader reads
// it whole and safe, with the same weights (tensor count, numel, dtypes of every state dict the report names) and
// the same top-level keys minus the ones cut.

/** The report's summaries of weights; a strip must leave each exactly as it was. */
const WEIGHT_SUMMARIES = ["state_dict", "state_dict_ema", "model_state_dict", "ema_state_dict"] as const;

export type PlannedStrip =
  | { readonly kind: "planned"; readonly layout: StrippedZip; readonly before: CheckpointReport }
  | { readonly kind: "absent"; readonly path: string; readonly reason: string }
  | { readonly kind: "failed"; readonly path: string; readonly message: string };

function weightsOf(report: CheckpointReport): string {
  return JSON.stringify(WEIGHT_SUMMARIES.map((key) => report[key] ?? null));
}

/** The strip's plan for a checkpoint, once ckpt's reader has read it whole and found it safe. */
export function planStripOf(path: string, source: ByteSource): PlannedStrip {
  const before = readCheckpointReport(path);
  if (before.container !== "zip" || before.format !== "torch-save")
    return { kind: "absent", path, reason: "not a torch.save zip" };
  if (before.status !== "ok" || before.safety?.status !== "safe")
    return {
      kind: "failed",
      path,
      message: `${path}: not read whole and safe (${before.status}); left as it is`,
    };
  if (WEIGHT_SUMMARIES.every((key) => before[key] === undefined))
    return {
      kind: "failed",
      path,
      message: `${path}: ckpt finds no state dict in it, so it could not check the weights survive; left as it is`,
    };
  const planned = planStrippedZip(source);
  if (planned.success) return { kind: "planned", layout: planned.data, before };
  const { code, message } = planned.error;
  return code === "absent"
    ? { kind: "absent", path, reason: message }
    : { kind: "failed", path, message: `${path}: optimizer state not stripped: ${message}` };
}

/** Why the rewritten `temp` must not replace `path`, or null when it reads as the old one without the optimizer. */
export function checkStrippedReport(check: {
  readonly path: string;
  readonly temp: string;
  readonly before: CheckpointReport;
  readonly layout: StrippedZip;
}): string | null {
  const { path, before, layout } = check;
  const after = readCheckpointReport(check.temp);
  const broken = `${path}: the rewritten copy`;
  if (after.status !== "ok" || after.safety?.status !== "safe")
    return `${broken} does not read whole and safe (${after.error?.message ?? after.status}); the original is kept`;
  if (after.size_bytes !== layout.newSize)
    return `${broken} is ${after.size_bytes} bytes, not ${layout.newSize}`;
  if (weightsOf(after) !== weightsOf(before)) return `${broken} has different weights; the original is kept`;
  const removed = new Set(layout.strip.removedKeys);
  const expected = (before.top_level_keys ?? []).filter((key) => !removed.has(key));
  if (JSON.stringify(after.top_level_keys ?? []) !== JSON.stringify(expected))
    return `${broken} has top-level keys ${JSON.stringify(after.top_level_keys)}, not ${JSON.stringify(expected)}`;
  return null;
}
