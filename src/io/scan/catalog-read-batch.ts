import type { SidecarMode } from "../../core/catalog/catalog-constants.ts";
import { CheckpointUnreadableError } from "../checkpoint/checkpoint-unreadable-error.ts";
import type { FsMemo } from "../fs/fs-memo.ts";
import { createTurnTaker } from "../process/loop-turns.ts";
import type { RunContextCache } from "../run-files/run-file-reader.ts";
import type { CheckpointLocation } from "./checkpoint-location.ts";
import { type AssembleCheckpoint, type ReadOutcome, readOne } from "./index-one.ts";

export type ReadResult =
  | { readonly ok: true; readonly outcome: ReadOutcome }
  | { readonly ok: false; readonly path: string; readonly message: string };

export type ReadBatchOptions = {
  readonly sidecars: SidecarMode;
  readonly now: () => number;
  readonly assemble: AssembleCheckpoint;
  /** Runs whose metric points this thread already sent in this scan: later entries of the run send none. */
  readonly sentRuns: Set<string>;
  /** Stats and listings shared by this thread's reads in this scan. */
  readonly memo: FsMemo;
  /** Run files parsed by this thread's reads of checkpoints with sidecars, in this scan. */
  readonly runCache: RunContextCache;
  /**
   * Once aborted, the rest of the batch is not read (the daemon is stopping). Given, the event loop also gets a
   * turn now and then between reads (32 reads with sidecar writes can take a second on a loaded machine), so
   * that a signal or the control socket can abort it at all.
   */
  readonly signal?: AbortSignal | undefined;
};

/** Reads a batch; an unexpected error on one checkpoint fails that one only, and the next scan retries it. */
export async function readBatch(
  items: readonly CheckpointLocation[],
  options: ReadBatchOptions,
): Promise<ReadResult[]> {
  const results: ReadResult[] = [];
  const turns = options.signal === undefined ? null : createTurnTaker();
  for (const location of items) {
    const { file } = location;
    await turns?.maybeTurn();
    if (options.signal?.aborted === true) break;
    try {
      const outcome = await readOne(location, {
        sidecars: options.sidecars,
        now: options.now,
        assemble: options.assemble,
        memo: options.memo,
        runCurves: { cache: options.runCache, wanted: (runDir) => !options.sentRuns.has(runDir) },
      });
      const run = outcome.run;
      if (run?.points != null) {
        if (options.sentRuns.has(run.run.dir)) {
          results.push({ ok: true, outcome: { ...outcome, run: { run: run.run, points: null } } });
          continue;
        }
        options.sentRuns.add(run.run.dir);
      }
      results.push({ ok: true, outcome });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      results.push({
        ok: false,
        path: file.path,
        message:
          error instanceof CheckpointUnreadableError
            ? error.message
            : `${file.path}: reading failed (${reason}); the next scan retries it`,
      });
    }
  }
  return results;
}
