// Worker entry: reads batches of checkpoints for the scan so both cores work (see catalog-read-pool.ts).

import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import { defaultAssemble } from "./catalog-assemble.ts";
import { type ReadItem, readBatch } from "./catalog-read-batch.ts";

declare const self: Worker;

const sentRuns = new Set<string>();

self.onmessage = async (
  event: MessageEvent<{ readonly items: ReadItem[]; readonly sidecars: SidecarMode }>,
) => {
  const results = await readBatch(event.data.items, {
    sidecars: event.data.sidecars,
    now: Date.now,
    assemble: defaultAssemble,
    sentRuns,
  });
  self.postMessage(results);
};
