import type { StripMark } from "../core/retention/strip-mark.ts";
import type { PrunePlan } from "../io/disk/prune-planning.ts";
import { mayStrip, stripPreviews } from "../io/disk/strip-candidates.ts";

// A dry run's half of `prune --strip-optimizer`: loaded only with the flag; reads candidates, writes nothing.

/** The checkpoints a plan would strip, to tell whether a plan confirmed on a terminal is still the one shown. */
export function stripKey(plan: PrunePlan): string {
  return JSON.stringify(plan.decisions.filter(mayStrip).map((decision) => decision.entry.path));
}

/** A dry run's marks: what stripping each candidate would save, or why it would not be done. */
export function previewStrips(plan: PrunePlan): Map<string, StripMark> {
  return stripPreviews(plan.decisions);
}
