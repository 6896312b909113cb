import type { StateDictSummary } from "../checkpoint/checkpoint-report-parts.ts";
import type { TensorRef } from "../formats/pickle/py-value.ts";

// A BatchNorm buffer by its last name segment. Names are `<prefix><key>` with the prefix empty or ending in ".", so
// testing the key alone gives the same answer as testing the full name (`(^|\.)(…)$`) without building it.
const BN_BUFFER_KEY = /(^|\.)(running_mean|running_var|num_batches_tracked)$/;
const FIRST_KEYS = 5;

/**
 * A state dict's summary, counted as its tensors are met: counts, numel, bytes, dtypes, storages and the first
 * few names. Nothing per tensor is kept but its storage key, so a module tree of thousands of tensors is
 * summarised without building the `name → tensor` list (or the names) the summary never shows.
 */
export class TensorTally {
  private count = 0;
  private numel = 0;
  private withoutBn = 0;
  private bytes = 0;
  private readonly dtypes: Record<string, number> = {};
  private readonly storages = new Set<string>();
  private readonly firstKeys: string[] = [];

  /** One tensor named `prefix + key` (prefix empty or ending in "."). */
  add(prefix: string, key: string, tensor: TensorRef): void {
    this.count += 1;
    this.dtypes[tensor.dtype] = (this.dtypes[tensor.dtype] ?? 0) + 1;
    this.numel += tensor.numel;
    if (!BN_BUFFER_KEY.test(key)) this.withoutBn += tensor.numel;
    this.bytes += tensor.numel * (tensor.elementSize ?? 0);
    this.storages.add(tensor.storageKey ?? `unnamed:${this.storages.size}`);
    if (this.firstKeys.length < FIRST_KEYS) this.firstKeys.push(prefix + key);
  }

  summary(): StateDictSummary {
    return {
      tensor_count: this.count,
      numel_total: this.numel,
      numel_excluding_bn_buffers: this.withoutBn,
      bytes_total: this.bytes,
      dtypes: { ...this.dtypes },
      unique_storages: this.storages.size,
      first_keys: [...this.firstKeys],
    };
  }
}
