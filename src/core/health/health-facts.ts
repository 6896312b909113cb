import type { CatalogEntry } from "../catalog/catalog-entry.ts";
import type { RunCheckpoint } from "./run-pace.ts";
import type { WrittenCheckpoint } from "./write-rate.ts";

/** The catalogued checkpoints on one device: a path to probe it by, its oldest mtime, those written recently. */
export type DeviceFacts = {
  readonly dev: number;
  readonly samplePath: string;
  readonly historyStartMs: number;
  readonly written: WrittenCheckpoint[];
};

/** What the health report needs from the catalog: read by SQL for the CLI, from the loaded rows in the TUI. */
export type HealthFacts = {
  readonly devices: DeviceFacts[];
  /** Runs with a checkpoint inside the live window, with all their checkpoints. */
  readonly liveRuns: { readonly runDir: string; readonly checkpoints: RunCheckpoint[] }[];
};

type MutableDevice = {
  dev: number;
  samplePath: string;
  historyStartMs: number;
  written: WrittenCheckpoint[];
};

function addToDevice(byDev: Map<number, MutableDevice>, entry: CatalogEntry, rateSinceMs: number): void {
  let device = byDev.get(entry.dev);
  if (device === undefined) {
    device = { dev: entry.dev, samplePath: entry.path, historyStartMs: entry.mtime_ms, written: [] };
    byDev.set(entry.dev, device);
  }
  if (entry.mtime_ms < device.historyStartMs) device.historyStartMs = entry.mtime_ms;
  if (entry.mtime_ms > rateSinceMs) device.written.push({ bytes: entry.size, mtimeMs: entry.mtime_ms });
}

/**
 * The same facts as the catalog's SQL reader gives, from primary entries already in memory (the TUI's rows):
 * checkpoints without a run directory count for the disk, not for stalled runs. Two passes that allocate only
 * for recent rows and live runs: at 100k rows this runs on each data change.
 */
export function healthFactsFromEntries(
  entries: readonly CatalogEntry[],
  options: { readonly rateSinceMs: number; readonly liveSinceMs: number },
): HealthFacts {
  const byDev = new Map<number, MutableDevice>();
  const live = new Map<string, RunCheckpoint[]>();
  for (const entry of entries) {
    if (entry.alias_of !== null) continue;
    addToDevice(byDev, entry, options.rateSinceMs);
    if (entry.run_dir !== null && entry.mtime_ms > options.liveSinceMs && !live.has(entry.run_dir))
      live.set(entry.run_dir, []);
  }
  if (live.size > 0)
    for (const entry of entries) {
      if (entry.alias_of !== null || entry.run_dir === null) continue;
      live.get(entry.run_dir)?.push({ path: entry.path, mtimeMs: entry.mtime_ms, status: entry.status });
    }
  return {
    devices: [...byDev.values()],
    liveRuns: [...live].map(([runDir, checkpoints]) => ({ runDir, checkpoints })),
  };
}
