import type { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { dirname } from "node:path";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import type { CheckpointMetadataV1 } from "../core/metadata/metadata-schema.ts";
import type { StoredEntry } from "../io/catalog/catalog-rows.ts";
import { storedMetadata } from "../io/catalog/catalog-stored-metadata.ts";
import type { RunUpdate } from "../io/catalog/catalog-writes.ts";
import { readPathsOfRuns } from "../io/catalog/sqlite-path-reads.ts";
import { createTurnTaker } from "../io/process/loop-turns.ts";
import { defaultAssemble } from "../io/scan/catalog-assemble.ts";
import { locationUnder } from "../io/scan/checkpoint-location.ts";
import { readOne } from "../io/scan/index-one.ts";
import { storeIndexed } from "../io/scan/store-indexed.ts";
import { scannedFileOf } from "./index-checkpoint.ts";

export type ReassembleRequest = {
  /** The metric file that changed (`metrics.csv`, `results.csv`, an event file, `trainer_state.json`, …). */
  readonly metricFile: string;
  readonly sidecars: SidecarMode;
  readonly now: () => number;
  readonly scanRootOf: (path: string) => string;
  /** The daemon is stopping: the run's next checkpoint is not re-assembled. */
  readonly signal?: AbortSignal;
};

export type ReassembleResult = {
  /** Checkpoints whose metrics were re-assembled. */
  readonly checkpoints: number;
  /** Checkpoints whose metrics changed. */
  readonly changed: readonly string[];
  readonly sidecarsWritten: readonly string[];
  /** Sidecars that could not be rewritten, with why. */
  readonly warnings: readonly string[];
};

/** Run files sit in the run dir or up to two levels below it (`csv_logs/version_0/`, `.hydra/`). */
function candidateRunDirs(metricFile: string): string[] {
  const first = dirname(metricFile);
  const second = dirname(first);
  return [first, second, dirname(second)];
}

function affectedPaths(database: Database, metricFile: string): string[] {
  const dirs = candidateRunDirs(metricFile);
  return readPathsOfRuns(database, [dirs[0] ?? "", dirs[1] ?? "", dirs[2] ?? ""]);
}

function metricsKey(metadata: CheckpointMetadataV1 | null): string {
  return JSON.stringify([metadata?.metrics ?? null, metadata?.ckpt?.primary_metric ?? null]);
}

type Step = {
  entry: StoredEntry | null;
  run: RunUpdate | null;
  wrote: string | null;
  warning: string | null;
};

/**
 * The scan's read of one checkpoint, its sidecar judged outdated by the run files: a row only when its metrics
 * moved, and only then a sidecar ckpt wrote is rewritten. A user's sidecar is their statement: still followed.
 */
async function reassembleOne(database: Database, path: string, request: ReassembleRequest): Promise<Step> {
  const stored = metricsKey(storedMetadata(database, path));
  const location = locationUnder(scannedFileOf(path, statSync(path)), [request.scanRootOf(path)]);
  const outcome = await readOne(location, {
    sidecars: request.sidecars,
    now: request.now,
    assemble: defaultAssemble,
    runFilesChanged: true,
    alreadyKnown: (metadata) => metricsKey(metadata) === stored,
  });
  const metadata = outcome.entry.metadata;
  if (metadata === null || metricsKey(metadata) === stored)
    return { entry: null, run: outcome.run, wrote: null, warning: null };
  return { entry: outcome.entry, run: outcome.run, wrote: outcome.wrote, warning: outcome.warning };
}

/**
 * A run file changed: re-assemble the metrics of the run's checkpoints (the checkpoint bytes are unchanged, so
 * the incremental scan would not look), refresh the run's metric points, and rewrite the sidecars ckpt wrote
 * whose metrics moved. Sidecars written by anyone else are left alone.
 */
export async function reassembleRunMetrics(
  database: Database,
  request: ReassembleRequest,
): Promise<ReassembleResult> {
  const paths = affectedPaths(database, request.metricFile);
  const steps: Step[] = [];
  const changed: string[] = [];
  const sidecarsWritten: string[] = [];
  const warnings: string[] = [];
  // A run of 100 checkpoints takes seconds (more when `rm -rf` of the run is under way): the loop gets turns.
  const turns = createTurnTaker();
  for (const path of paths) {
    await turns.maybeTurn();
    request.signal?.throwIfAborted();
    let step: Step;
    try {
      step = await reassembleOne(database, path, request);
    } catch {
      continue; // Gone meanwhile: its removal event is on the way.
    }
    steps.push(step);
    if (step.entry !== null) changed.push(path);
    if (step.wrote !== null) sidecarsWritten.push(step.wrote);
    if (step.warning !== null) warnings.push(step.warning);
  }
  storeIndexed(database, { indexed: steps, now: request.now() });
  return { checkpoints: paths.length, changed, sidecarsWritten, warnings };
}
