import type { PickleInput } from "./pickle/pickle-input.ts";
import { writePickle, writerElementSize } from "./pickle/pickle-writer.ts";
import { planTorchZip, torchSaveEntries, type WritePlan } from "./zip-writer.ts";

export type PlanTorchCheckpointOptions = {
  /** Archive root inside the zip (`archive` for buffers, the file stem for paths). @default "archive" */
  readonly root?: string;
  /** Data alignment of each record. @default 64 */
  readonly alignment?: number;
};

/**
 * A `torch.save`-shaped zip of `value` (dicts, lists, str, int, float, tensors) as a write plan. Storages with
 * `data` are written; storages without are sparse (`numel × element size` zero bytes never materialised), so a
 * multi-GB checkpoint costs a few KB of memory and, written with `writeSparseFile`, of disk.
 */
export function planTorchCheckpoint(value: PickleInput, options: PlanTorchCheckpointOptions = {}): WritePlan {
  const pickle = writePickle(value);
  const storages = pickle.storages.map(
    ({ storage }) => storage.data ?? { sparseLength: storage.numel * writerElementSize(storage.dtype) },
  );
  const entries = torchSaveEntries({ root: options.root ?? "archive", dataPkl: pickle.bytes, storages });
  return planTorchZip(entries, options.alignment === undefined ? {} : { alignment: options.alignment });
}
