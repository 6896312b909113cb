import type { RetentionDecision } from "./retention-plan.ts";

/** Inodes met so far, by device (numbers as keys: no `dev:ino` string built per checkpoint of a 100k plan). */
class InodeSet {
  readonly #byDevice = new Map<number, Set<number>>();

  /** Adds the inode; false when it was already there. */
  add(dev: number, ino: number): boolean {
    const inodes = this.#byDevice.get(dev);
    if (inodes === undefined) {
      this.#byDevice.set(dev, new Set([ino]));
      return true;
    }
    if (inodes.has(ino)) return false;
    inodes.add(ino);
    return true;
  }
}

/**
 * What deleting each checkpoint frees by the catalog alone, for a plan that does not look at the disk: its
 * catalogued size (a directory checkpoint's: the sizes of its files, as the scan summed them), apparent bytes,
 * its sidecar not counted. A hard link frees nothing while another name of its inode stays, and is counted once
 * among the deletions (where it is met first). Keyed by path.
 */
export function cataloguedFreedBytes(decisions: readonly RetentionDecision[]): Map<string, number> {
  const counted = new InodeSet();
  for (const { entry, action } of decisions) if (action === "keep") counted.add(entry.dev, entry.ino);
  const bytes = new Map<string, number>();
  for (const decision of decisions) {
    if (decision.action !== "delete") continue;
    const { dev, ino, size } = decision.entry;
    bytes.set(decision.entry.path, counted.add(dev, ino) ? size : 0);
  }
  return bytes;
}
