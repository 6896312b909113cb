import type { RetentionDecision } from "../../core/retention/retention-plan.ts";
import { planStrippedZip } from "../../core/retention/stripped-zip-layout.ts";
import { withFileByteSource } from "../checkpoint/file-byte-source.ts";

// Which checkpoints `prune --strip-optimizer` rewrites: those the plan keeps by a rule (best K, last N, every N,
// since D) only. A checkpoint kept whatever the rules say (`guarded`: the run's latest, which is its resume point,
// a pointer's target, a checkpoint of an active run, a link, one not read whole) keeps its optimizer state.
// Each candidate's central directory and data.pkl are read (never written) to tell what stripping it saves; the
// reader's full read (whole, safe, the weights) is the rewrite's own check (optimizer-strip-check.ts).

/** What stripping a kept checkpoint would do: save bytes, or not be done, with why. */
export type StripPreview =
  | { readonly kind: "saves"; readonly path: string; readonly bytesSaved: number }
  | { readonly kind: "refused"; readonly path: string; readonly reason: string };

/** Whether the plan lets this checkpoint lose its optimizer state (reading it is the next question). */
export function mayStrip(decision: RetentionDecision): boolean {
  const { entry } = decision;
  return decision.action === "keep" && !decision.guarded && entry.kind === "file" && entry.alias_of === null;
}

function previewOf(path: string): StripPreview | null {
  const read = withFileByteSource(path, (source) => planStrippedZip(source));
  if (!read.success) return { kind: "refused", path, reason: read.error.message };
  const planned = read.data;
  if (planned.success)
    return { kind: "saves", path, bytesSaved: planned.data.oldSize - planned.data.newSize };
  return planned.error.code === "absent" ? null : { kind: "refused", path, reason: planned.error.message };
}

/** The previews of the decisions' strippable checkpoints that hold optimizer state, by path. */
export function stripPreviews(decisions: readonly RetentionDecision[]): Map<string, StripPreview> {
  const previews = new Map<string, StripPreview>();
  for (const decision of decisions) {
    if (!mayStrip(decision)) continue;
    const preview = previewOf(decision.entry.path);
    if (preview !== null) previews.set(decision.entry.path, preview);
  }
  return previews;
}
