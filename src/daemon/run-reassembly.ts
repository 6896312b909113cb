import type { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { dirname } from "node:path";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import { entryFromMetadata } from "../core/catalog/entry-from-metadata.ts";
import { isWrittenByCkpt } from "../core/metadata/ckpt-generator.ts";
import type { CheckpointMetadataV1 } from "../core/metadata/metadata-schema.ts";
import type { StoredEntry } from "../io/catalog/catalog-rows.ts";
import { storedMetadata } from "../io/catalog/catalog-stored-metadata.ts";
import { applyCatalogChanges, type RunUpdate } from "../io/catalog/catalog-writes.ts";
import { readPathsOfRuns } from "../io/catalog/sqlite-path-reads.ts";
import { createTurnTaker } from "../io/process/loop-turns.ts";
import { defaultAssemble } from "../io/scan/catalog-assemble.ts";
import { sidecarLocation, writeCheckpointSidecar } from "../io/sidecar/sidecar-placement.ts";
import { readSidecar } from "../io/sidecar/sidecar-store.ts";
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

type SidecarOwner = "ours" | "user" | "none";

function sidecarOwner(sidecar: string): SidecarOwner {
  const read = readSidecar(sidecar);
  if (!read.success) return read.error.code === "not-found" ? "none" : "user";
  return isWrittenByCkpt(read.data.data) ? "ours" : "user";
}

type Step = {
  entry: StoredEntry | null;
  run: RunUpdate | null;
  wrote: string | null;
  warning: string | null;
};

async function reassembleOne(database: Database, path: string, request: ReassembleRequest): Promise<Step> {
  const stats = statSync(path);
  const file = scannedFileOf(path, stats);
  const assembled = await defaultAssemble(path, { scanRoot: request.scanRootOf(path), now: request.now });
  const metadata = assembled.metadata;
  const run: RunUpdate | null =
    assembled.run === null
      ? null
      : {
          run: {
            dir: assembled.run.dir,
            exp_name: assembled.run.expName ?? metadata?.exp_name ?? null,
            task: assembled.run.task,
            config_path: metadata?.hydra_config_path ?? null,
            wandb_run_id: metadata?.wandb_run_id ?? null,
          },
          points: assembled.run.points,
        };
  if (metadata === null || metricsKey(storedMetadata(database, path)) === metricsKey(metadata))
    return { entry: null, run, wrote: null, warning: null };
  const placement = { scanRoot: request.scanRootOf(path) };
  const owner = sidecarOwner(sidecarLocation(file, placement));
  // A user's sidecar is their statement about the checkpoint: the catalog keeps following it.
  if (owner === "user") return { entry: null, run, wrote: null, warning: null };
  let wrote: string | null = null;
  let warning: string | null = null;
  if (request.sidecars === "write") {
    const written = writeCheckpointSidecar(file, metadata, { ...placement, force: owner === "ours" });
    if (written.success) wrote = written.data.path;
    else warning = written.error.message;
  }
  const entry = entryFromMetadata({
    file,
    metadata,
    status: assembled.status,
    sidecar: wrote !== null || owner === "ours" ? "valid" : request.sidecars === "off" ? "off" : "missing",
    runDir: assembled.run?.dir ?? null,
    indexedAt: request.now(),
  });
  const stored: StoredEntry = {
    ...entry,
    sidecar_present: file.sidecar_present || wrote !== null,
    metadata,
  };
  return { entry: stored, run, wrote, warning };
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
  const upserts: StoredEntry[] = [];
  const runs = new Map<string, RunUpdate>();
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
    if (step.run !== null && !runs.has(step.run.run.dir)) runs.set(step.run.run.dir, step.run);
    if (step.entry !== null) {
      upserts.push(step.entry);
      changed.push(path);
    }
    if (step.wrote !== null) sidecarsWritten.push(step.wrote);
    if (step.warning !== null) warnings.push(step.warning);
  }
  if (upserts.length > 0 || runs.size > 0)
    applyCatalogChanges(database, { upserts, runs: [...runs.values()], now: request.now() });
  return { checkpoints: paths.length, changed, sidecarsWritten, warnings };
}
