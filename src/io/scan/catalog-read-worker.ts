// Worker entry: reads batches of checkpoints for the scan so both cores work (see catalog-read-pool.ts).

import type { SidecarMode } from "../../core/catalog/catalog-constants.ts";
import { createFsMemo } from "../fs/fs-memo.ts";
import { createRunContextCache } from "../run-files/run-file-reader.ts";
import { defaultAssemble } from "./catalog-assemble.ts";
import { readBatch } from "./catalog-read-batch.ts";
import { toWire } from "./catalog-read-wire.ts";
import type { CheckpointLocation } from "./checkpoint-location.ts";

declare const self: Worker;

// A worker lives for one scan (catalog-read-pool.ts starts and ends them), so its memo does too.
const sentRuns = new Set<string>();
const memo = createFsMemo();
const runCache = createRunContextCache();

self.onmessage = async (
  event: MessageEvent<{ readonly items: CheckpointLocation[]; readonly sidecars: SidecarMode }>,
) => {
  const results = await readBatch(event.data.items, {
    sidecars: event.data.sidecars,
    now: Date.now,
    assemble: defaultAssemble,
    sentRuns,
    memo,
    runCache,
  });
  self.postMessage(results.map(toWire));
};
