import { runOf } from "../../core/catalog/best-entries.ts";
import type { CatalogEntry } from "../../core/catalog/catalog-entry.ts";
import type { MeasuredCheckpoint } from "../../core/disk/disk-usage.ts";
import { scanRootOf } from "../scan/walk-paths.ts";
import { type CountedInodes, checkpointBytes } from "./checkpoint-bytes.ts";

/**
 * Each catalogued checkpoint's bytes and its sidecar's, with the root it lies under, in path order: a hard link
 * is counted at the first path that reaches it, and a symlink (Lightning's `last.ckpt`) as the link itself.
 */
export function measureCheckpoints(
  roots: readonly string[],
  entries: readonly CatalogEntry[],
  counted: CountedInodes = new Set(),
): MeasuredCheckpoint[] {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sorted.map((entry) => {
    const bytes = checkpointBytes(entry.path, entry.kind === "file" ? "file" : "directory", counted);
    return { root: scanRootOf(entry.path, roots), run: runOf(entry), path: entry.path, ...bytes };
  });
}
