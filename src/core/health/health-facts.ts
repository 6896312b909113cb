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

function deviceFacts(entries: readonly CatalogEntry[], rateSinceMs: number): DeviceFacts[] {
  const byDev = new Map<number, MutableDevice>();
  for (const entry of entries) {
    const device = byDev.get(entry.dev) ?? {
      dev: entry.dev,
      samplePath: entry.path,
      historyStartMs: entry.mtime_ms,
      written: [],
    };
    byDev.set(entry.dev, device);
    device.historyStartMs = Math.min(device.historyStartMs, entry.mtime_ms);
    if (entry.mtime_ms > rateSinceMs) device.written.push({ bytes: entry.size, mtimeMs: entry.mtime_ms });
  }
  return [...byDev.values()];
}

/**
 * The same facts as the catalog's SQL reader gives, from primary entries already in memory (the TUI's rows):
 * checkpoints without a run directory count for the disk, not for stalled runs.
 */
export function healthFactsFromEntries(
  entries: readonly CatalogEntry[],
  options: { readonly rateSinceMs: number; readonly liveSinceMs: number },
): HealthFacts {
  const primary = entries.filter((entry) => entry.alias_of === null);
  const byRun = new Map<string, RunCheckpoint[]>();
  for (const entry of primary) {
    if (entry.run_dir === null) continue;
    const checkpoint = { path: entry.path, mtimeMs: entry.mtime_ms, status: entry.status };
    const list = byRun.get(entry.run_dir);
    if (list === undefined) byRun.set(entry.run_dir, [checkpoint]);
    else list.push(checkpoint);
  }
  const runs = [...byRun].map(([runDir, checkpoints]) => ({ runDir, checkpoints }));
  return {
    devices: deviceFacts(primary, options.rateSinceMs),
    liveRuns: runs.filter((run) =>
      run.checkpoints.some((checkpoint) => checkpoint.mtimeMs > options.liveSinceMs),
    ),
  };
}
