import type { PrunePlan } from "../io/disk/prune-planning.ts";
import { mayStrip, stripPreviews } from "../io/disk/strip-candidates.ts";
import type { StripMark } from "./prune-strip-view.ts";

// A dry run's half of `prune --strip-optimizer`: loaded only with the flag; reads candidates, writes nothing.

/** The checkpoints a plan would strip, to tell whether a plan confirmed on a terminal is still the one shown. */
export function stripKey(plan: PrunePlan): string {
  return JSON.stringify(plan.decisions.filter(mayStrip).map((decision) => decision.entry.path));
}

/** A dry run's marks: what stripping each candidate would save, or why it would not be done. */
export function previewStrips(plan: PrunePlan): Map<string, StripMark> {
  const marks = new Map<string, StripMark>();
  for (const [path, preview] of stripPreviews(plan.decisions))
    marks.set(
      path,
      preview.kind === "saves"
        ? { kind: "saves", bytesSaved: preview.bytesSaved }
        : { kind: "refused", reason: preview.reason },
    );
  return marks;
}
