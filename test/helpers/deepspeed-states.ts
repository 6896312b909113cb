// Test/bench-only: DeepSpeed model-states dicts shaped as `DeepSpeedEngine._save_checkpoint` writes them.
import { inputDict, inputTuple, type PickleInput } from "../../src/core/formats/pickle/pickle-input.ts";

export type DeepSpeedStatesOptions = {
  readonly numel?: number;
  readonly step?: number;
  readonly stage?: number;
  readonly dp?: number;
  readonly mp?: number;
  readonly bf16?: boolean;
  /** Added at the top level, as `client_state=` is. */
  readonly client?: Record<string, PickleInput>;
};

/** A model-states dict with one float32 weight of `numel` values (sparse when written with writeSparseFile). */
export function deepSpeedStates(options: DeepSpeedStatesOptions = {}): PickleInput {
  const numel = options.numel ?? 4;
  const weight = { kind: "tensor", storage: { dtype: "float32", numel }, shape: [numel] } as const;
  return inputDict({
    module: inputDict({ "layer.weight": weight }, true),
    buffer_names: [],
    optimizer: null,
    param_shapes: [inputDict({ "layer.weight": inputTuple(numel) }, true)],
    lr_scheduler: null,
    global_steps: options.step ?? 100,
    global_samples: (options.step ?? 100) * 32,
    skipped_steps: 0,
    dp_world_size: options.dp ?? 1,
    mp_world_size: options.mp ?? 1,
    ds_config: inputDict({
      train_micro_batch_size_per_gpu: 32,
      zero_optimization: inputDict({ stage: options.stage ?? 0 }),
      ...(options.bf16 ? { bf16: inputDict({ enabled: true }) } : {}),
    }),
    ds_version: "0.14.0",
    ...(options.client ?? { epoch: 3 }),
  });
}
