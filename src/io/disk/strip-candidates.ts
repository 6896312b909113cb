import type { RetentionDecision } from "../../core/retention/retention-plan.ts";
import type { StripMark } from "../../core/retention/strip-mark.ts";
import { planStrippedZip } from "../../core/retention/stripped-zip-layout.ts";
import { withFileByteSource } from "../checkpoint/file-byte-source.ts";

// Which checkpoints `prune --strip-optimizer` rewrites: those the plan keeps by a rule (best K, last N, every N,
// since D) only. A checkpoint kept whatever the rules say (`guarded`: the run's latest, which is its resume point,
// a pointer's target, a checkpoint of an active run, a link, one not read whole) keeps its optimizer state.
// Each candidate's central directory and data.pkl are read (never written) to tell what stripping it saves; the
// reader's full read (whole, safe, the weights) is the rewrite's own check (optimizer-strip-check.ts).

/** Whether the plan lets this checkpoint lose its optimizer state (reading it is the next question). */
export function mayStrip(decision: RetentionDecision): boolean {
  const { entry } = decision;
  return decision.action === "keep" && !decision.guarded && entry.kind === "file" && entry.alias_of === null;
}

/** What stripping a kept checkpoint would do: save bytes, or not be done, with why; null when it holds no optimizer state. */
function previewOf(path: string): StripMark | null {
  const read = withFileByteSource(path, (source) => planStrippedZip(source));
  if (!read.success) return { kind: "refused", reason: read.error.message };
  const planned = read.data;
  if (planned.success) return { kind: "saves", bytesSaved: planned.data.oldSize - planned.data.newSize };
  return planned.error.code === "absent" ? null : { kind: "refused", reason: planned.error.message };
}

/** The previews of the decisions' strippable checkpoints that hold optimizer state, by path. */
export function stripPreviews(decisions: readonly RetentionDecision[]): Map<string, StripMark> {
  const previews = new Map<string, StripMark>();
  for (const decision of decisions) {
    if (!mayStrip(decision)) continue;
    const preview = previewOf(decision.entry.path);
    if (preview !== null) previews.set(decision.entry.path, preview);
  }
  return previews;
}
