import type { RetentionDecision } from "./retention-plan.ts";

/**
 * Inodes met so far, by device (numbers as keys: no `dev:ino` string built per checkpoint of a 100k plan). The
 * last device's set is kept at hand: a plan's checkpoints mostly share one file system.
 */
class InodeSet {
  readonly #byDevice = new Map<number, Set<number>>();
  #lastDevice = Number.NaN;
  #lastInodes = new Set<number>();

  /** Adds the inode; false when it was already there. */
  add(dev: number, ino: number): boolean {
    if (dev !== this.#lastDevice) {
      let inodes = this.#byDevice.get(dev);
      if (inodes === undefined) {
        inodes = new Set();
        this.#byDevice.set(dev, inodes);
      }
      this.#lastDevice = dev;
      this.#lastInodes = inodes;
    }
    // One hash operation instead of `has` then `add`.
    const before = this.#lastInodes.size;
    return this.#lastInodes.add(ino).size !== before;
  }
}

/**
 * What deleting each checkpoint frees by the catalog alone, for a plan that does not look at the disk: its
 * catalogued size (a directory checkpoint's: the sizes of its files, as the scan summed them), apparent bytes,
 * its sidecar not counted. A hard link frees nothing while another name of its inode stays, and is counted once
 * among the deletions (where it is met first). One number per decision, in its order (0 for a checkpoint kept).
 */
export function cataloguedFreedBytes(decisions: readonly RetentionDecision[]): number[] {
  const counted = new InodeSet();
  for (const { entry, action } of decisions) if (action === "keep") counted.add(entry.dev, entry.ino);
  const bytes = new Array<number>(decisions.length);
  for (let at = 0; at < decisions.length; at++) {
    const decision = decisions[at] as RetentionDecision;
    const { dev, ino, size } = decision.entry;
    bytes[at] = decision.action === "delete" && counted.add(dev, ino) ? size : 0;
  }
  return bytes;
}
