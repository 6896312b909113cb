import { inputDict, inputFloat, type PickleInput } from "../formats/pickle/pickle-input.ts";

/** One simulated training run of the demo: a small text detector, as the fixtures' Lightning runs are. */
export type DemoRun = {
  readonly name: string;
  readonly encoder: string;
  readonly decoder: string;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly seed: number;
  /** hmean the run converges to. */
  readonly plateau: number;
};

export const DEMO_RUNS: readonly DemoRun[] = [
  {
    name: "dbnet_r18_unet",
    encoder: "resnet18",
    decoder: "unet",
    epochs: 8,
    stepsPerEpoch: 50,
    seed: 7,
    plateau: 0.86,
  },
  {
    name: "dbnet_r50_fpn",
    encoder: "resnet50",
    decoder: "fpn_asf",
    epochs: 8,
    stepsPerEpoch: 50,
    seed: 11,
    plateau: 0.91,
  },
  {
    name: "dbnet_r34_unet",
    encoder: "resnet34",
    decoder: "unet",
    epochs: 6,
    stepsPerEpoch: 40,
    seed: 3,
    plateau: 0.83,
  },
];

/** The monitor the demo's ModelCheckpoint uses; its state key is exactly what Lightning 2.x writes. */
export const DEMO_MONITOR = "val/hmean";
export const DEMO_TOP_K = 2;
const STATE_KEY = `ModelCheckpoint{'monitor': '${DEMO_MONITOR}', 'mode': 'max', 'every_n_train_steps': 0, 'every_n_epochs': 1, 'train_time_interval': None}`;

export type DemoEpochMetrics = {
  readonly "val/hmean": number;
  readonly "val/precision": number;
  readonly "val/recall": number;
  readonly "val/loss": number;
  readonly "train/loss_epoch": number;
};

/** A deterministic pseudo-random number in [0, 1) from integers (no global state, same curve every demo). */
function noise(seed: number, index: number): number {
  const x = Math.sin(seed * 12.9898 + index * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

/** Validation metrics after `epoch` (0-based): a saturating curve with a little noise. */
export function demoEpochMetrics(run: DemoRun, epoch: number): DemoEpochMetrics {
  const progress = 1 - Math.exp(-(epoch + 1) / 2.2);
  const wobble = (noise(run.seed, epoch) - 0.5) * 0.04;
  const hmean = Math.min(0.99, run.plateau * progress + wobble + 0.05);
  const precision = Math.min(0.995, hmean + 0.03 + noise(run.seed + 1, epoch) * 0.02);
  const recall = (hmean * precision) / Math.max(1e-9, 2 * precision - hmean);
  const loss = 1.6 * Math.exp(-(epoch + 1) / 2.5) + 0.25 + noise(run.seed + 2, epoch) * 0.05;
  return {
    "val/hmean": hmean,
    "val/precision": precision,
    "val/recall": Math.min(1, recall),
    "val/loss": loss,
    "train/loss_epoch": loss * 0.9,
  };
}

export function demoGlobalStep(run: DemoRun, epoch: number): number {
  return (epoch + 1) * run.stepsPerEpoch;
}

export function demoCheckpointName(run: DemoRun, epoch: number): string {
  return `epoch=${epoch}-step=${demoGlobalStep(run, epoch)}.ckpt`;
}

/** A 0-d float32 tensor, as Lightning stores `best_model_score` and `current_score`. */
function scalarTensor(value: number): PickleInput {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setFloat32(0, value, true);
  return { kind: "tensor", storage: { dtype: "float32", numel: 1, data }, shape: [] };
}

function weights(run: DemoRun): PickleInput {
  const tensor = (numel: number, shape: number[]): PickleInput => ({
    kind: "tensor",
    storage: { dtype: "float32", numel, data: new Uint8Array(numel * 4) },
    shape,
  });
  return inputDict(
    {
      [`encoder.${run.encoder}.stem.weight`]: tensor(8 * 3 * 3 * 3, [8, 3, 3, 3]),
      [`decoder.${run.decoder}.lateral.weight`]: tensor(16 * 8, [16, 8, 1, 1]),
      "head.binarize.weight": tensor(16, [1, 16, 1, 1]),
    },
    true,
  );
}

/** The kept top-k as the checkpoint callback records it: absolute path → score. */
export type DemoTopK = ReadonlyArray<{ readonly path: string; readonly score: number }>;

/** What Lightning 2.x `Trainer.save_checkpoint` pickles for the demo's model after `epoch`. */
export function demoCheckpointValue(options: {
  readonly run: DemoRun;
  readonly epoch: number;
  readonly checkpointPath: string;
  readonly topK: DemoTopK;
}): PickleInput {
  const { run, epoch, topK } = options;
  const best = topK[0];
  const worst = topK[topK.length - 1];
  const score = demoEpochMetrics(run, epoch)["val/hmean"];
  const callbackState = inputDict({
    monitor: DEMO_MONITOR,
    best_model_score: best === undefined ? null : scalarTensor(best.score),
    best_model_path: best?.path ?? "",
    current_score: scalarTensor(score),
    dirpath: options.checkpointPath.slice(0, options.checkpointPath.lastIndexOf("/")),
    best_k_models: inputDict(Object.fromEntries(topK.map((kept) => [kept.path, scalarTensor(kept.score)]))),
    kth_best_model_path: worst?.path ?? "",
    kth_value: scalarTensor(worst?.score ?? Number.NEGATIVE_INFINITY),
    last_model_path: options.checkpointPath.replace(/[^/]+$/, "last.ckpt"),
  });
  return inputDict({
    epoch,
    global_step: demoGlobalStep(run, epoch),
    "pytorch-lightning_version": "2.2.5",
    state_dict: weights(run),
    callbacks: inputDict({ [STATE_KEY]: callbackState }),
    optimizer_states: [
      inputDict({ state: inputDict({}), param_groups: [inputDict({ lr: inputFloat(0.001) })] }),
    ],
    hparams_name: "kwargs",
    hyper_parameters: demoHyperParameters(run),
  });
}

function demoHyperParameters(run: DemoRun): PickleInput {
  return inputDict({
    model: inputDict({
      architecture: "dbnet",
      encoder: inputDict({ model_name: run.encoder, pretrained: true }),
      decoder: inputDict({ name: run.decoder, inner_channels: 16, out_channels: 8 }),
      head: inputDict({ name: "db_head", in_channels: 8 }),
      loss: inputDict({ name: "db_loss" }),
    }),
    max_epochs: run.epochs,
  });
}

/** The run's Hydra `config.yaml` (unresolved, as Hydra writes it). */
export function demoHydraConfig(run: DemoRun): string {
  return [
    `exp_name: ${run.name}`,
    "model:",
    "  architecture: dbnet",
    "  encoder:",
    `    model_name: ${run.encoder}`,
    "    pretrained: true",
    "  decoder:",
    `    name: ${run.decoder}`,
    "    inner_channels: 16",
    "    out_channels: 8",
    "  head:",
    "    name: db_head",
    "    in_channels: 8",
    "  loss:",
    "    name: db_loss",
    "trainer:",
    `  max_epochs: ${run.epochs}`,
    "callbacks:",
    "  model_checkpoint:",
    `    monitor: ${DEMO_MONITOR}`,
    "    mode: max",
    `    save_top_k: ${DEMO_TOP_K}`,
    "    save_last: link",
    "",
  ].join("\n");
}

export const DEMO_METRICS_HEADER =
  "epoch,step,train/loss_step,train/loss_epoch,val/hmean,val/loss,val/precision,val/recall";

/** The CSVLogger rows one epoch adds: a few training steps, then the epoch's validation row. */
export function demoMetricsRows(run: DemoRun, epoch: number): string[] {
  const metrics = demoEpochMetrics(run, epoch);
  const first = epoch * run.stepsPerEpoch;
  const steps = [0.25, 0.5, 0.75, 1].map((fraction) => first + Math.round(fraction * run.stepsPerEpoch) - 1);
  const trainRows = steps.map(
    (step, index) =>
      `${epoch},${step},${(metrics["train/loss_epoch"] * (1.15 - index * 0.05)).toFixed(6)},,,,,`,
  );
  const last = demoGlobalStep(run, epoch) - 1;
  const validation = `${epoch},${last},,${metrics["train/loss_epoch"]},${metrics["val/hmean"]},${metrics["val/loss"]},${metrics["val/precision"]},${metrics["val/recall"]}`;
  return [...trainRows, validation];
}
