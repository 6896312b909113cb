import type { Database } from "bun:sqlite";
import { dirname } from "node:path";
import type { CatalogEntry } from "../../core/catalog/catalog-entry.ts";
import { DEFAULT_SETTLE_POLICY } from "../../core/daemon/settle-plan.ts";
import { assessDiskHealth, type DiskHealth, type FilesystemFacts } from "../../core/health/disk-health.ts";
import { DEFAULT_FILL_WARNING_SECONDS } from "../../core/health/fill-forecast.ts";
import {
  type DeviceFacts,
  type HealthFacts,
  healthFactsFromEntries,
} from "../../core/health/health-facts.ts";
import { RUN_PACE_DEFAULTS } from "../../core/health/run-pace.ts";
import { DEFAULT_RATE_WINDOW_MS } from "../../core/health/write-rate.ts";
import { readHealthFacts } from "../catalog/sqlite-health-facts.ts";
import { type ProbedFilesystem, probeFilesystems } from "./filesystem-space.ts";

export type DiskHealthOptions = {
  /** The watched or queried roots: their filesystems are shown even with nothing catalogued on them. */
  readonly roots: readonly string[];
  readonly nowMs: number;
  readonly readMountInfo?: () => string | null;
};

/** Joins the catalog's per-device facts to the probed filesystems: a device the catalog knows is probed by a path. */
function joinFacts(
  probed: readonly ProbedFilesystem[],
  devices: readonly DeviceFacts[],
  sampleFs: Map<number, number>,
) {
  const facts = new Map<
    number,
    { space: ProbedFilesystem; written: DeviceFacts["written"]; historyStartMs: number | null }
  >();
  for (const fs of probed) facts.set(fs.dev, { space: fs, written: [], historyStartMs: null });
  for (const device of devices) {
    const target = facts.get(sampleFs.get(device.dev) ?? device.dev);
    if (target === undefined) continue;
    // A loop, not push(...written): a busy day's rows would overflow the argument stack.
    for (const written of device.written) target.written.push(written);
    target.historyStartMs = Math.min(target.historyStartMs ?? device.historyStartMs, device.historyStartMs);
  }
  return [...facts.values()] satisfies FilesystemFacts[];
}

/** The windows the facts are read for, ending at `nowMs`. */
export function healthWindows(nowMs: number): { rateSinceMs: number; liveSinceMs: number } {
  return { rateSinceMs: nowMs - DEFAULT_RATE_WINDOW_MS, liveSinceMs: nowMs - RUN_PACE_DEFAULTS.liveWindowMs };
}

/**
 * The report from catalog facts: the roots' filesystems and one probe per catalogued device (stat, statfs and
 * mountinfo, all read-only), joined to the facts, assessed by the one rule in core.
 */
export function healthFromFacts(facts: HealthFacts, options: DiskHealthOptions): DiskHealth {
  const roots = probeFilesystems(options.roots, options.readMountInfo);
  const samples = facts.devices.map((device) => dirname(device.samplePath));
  const extra = probeFilesystems(samples, options.readMountInfo);
  const sampleFs = new Map<number, number>();
  for (const device of facts.devices) {
    const current = extra.devOf.get(dirname(device.samplePath));
    if (current !== undefined) sampleFs.set(device.dev, current);
  }
  const known = new Set(roots.filesystems.map((fs) => fs.dev));
  const probed = [...roots.filesystems, ...extra.filesystems.filter((fs) => !known.has(fs.dev))];
  return assessDiskHealth({
    filesystems: joinFacts(probed, facts.devices, sampleFs),
    runs: facts.liveRuns,
    unmeasured: roots.unmeasured,
    nowMs: options.nowMs,
    windowMs: DEFAULT_RATE_WINDOW_MS,
    warningSeconds: DEFAULT_FILL_WARNING_SECONDS,
    incompleteLimitMs: DEFAULT_SETTLE_POLICY.giveUpAfterMs,
  });
}

/** Free space, write rate, fill forecast and stalled runs for `ckpt stats` and `ckpt status` (catalog null: none yet). */
export function readDiskHealth(database: Database | null, options: DiskHealthOptions): DiskHealth {
  const facts =
    database === null
      ? { devices: [], liveRuns: [] }
      : readHealthFacts(database, { roots: options.roots, ...healthWindows(options.nowMs) });
  return healthFromFacts(facts, options);
}

/** The TUI's health source: its loaded rows, the roots it shows, the filesystems they are on. */
export function entriesHealth(
  roots: readonly string[],
): (entries: readonly CatalogEntry[], nowMs: number) => DiskHealth {
  return (entries, nowMs) =>
    healthFromFacts(healthFactsFromEntries(entries, healthWindows(nowMs)), { roots, nowMs });
}
