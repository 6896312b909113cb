import type { RetentionDecision } from "./retention-plan.ts";

/**
 * What deleting each checkpoint frees by the catalog alone, for a plan that does not look at the disk: its
 * catalogued size (a directory checkpoint's: the sizes of its files, as the scan summed them), apparent bytes,
 * its sidecar not counted. A hard link frees nothing while another name of its inode stays, and is counted once
 * among the deletions (where it is met first).
 */
export function cataloguedFreedBytes(
  decisions: readonly RetentionDecision[],
): Map<RetentionDecision, number> {
  const counted = new Set<string>();
  for (const { entry, action } of decisions) if (action === "keep") counted.add(`${entry.dev}:${entry.ino}`);
  const bytes = new Map<RetentionDecision, number>();
  for (const decision of decisions) {
    if (decision.action !== "delete") continue;
    const { dev, ino, size } = decision.entry;
    const key = `${dev}:${ino}`;
    bytes.set(decision, counted.has(key) ? 0 : size);
    counted.add(key);
  }
  return bytes;
}
