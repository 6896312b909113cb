// Test-only: what each real fixture's truth file and run files support, as a compact whole value.
// Over the 300-line budget on purpose: one literal row per fixture, as biome formats them.
import type { CheckpointMetadataV1 } from "../../src/core/metadata/metadata-schema.ts";

// What each real fixture's truth file and run files support; null = not a readable checkpoint. Metric values are
// the logged ones (metrics.csv at the checkpoint's step, cleval_metrics, best_model_score, train_metrics,
// summary.csv at the epoch) exactly, never rounded.
export const EXPECTED_METADATA: readonly (readonly [string, Record<string, unknown> | null])[] = [
  ["broken/corrupt_datapkl.ckpt", null],
  ["broken/empty.ckpt", null],
  [
    "broken/getattr_os_system.pt",
    {
      training: [0, 0, null],
      model: "unknown / unknown / unknown / unknown / unknown",
      metrics: [null, null, null, null],
      checkpointing: { monitor: "unknown", mode: "min", save_top_k: 1, save_last: false },
      primary: { name: "validation_loss", value: null, higher_is_better: false },
      task: "generic",
    },
  ],
  [
    "broken/malicious_reduce.ckpt",
    {
      training: [0, 0, null],
      model: "unknown / unknown / unknown / unknown / unknown",
      metrics: [null, null, null, null],
      checkpointing: { monitor: "unknown", mode: "min", save_top_k: 1, save_last: false },
      primary: { name: "validation_loss", value: null, higher_is_better: false },
      task: "generic",
    },
  ],
  ["broken/not_a_checkpoint.ckpt", null],
  ["broken/truncated_half.ckpt", null],
  [
    "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints/dbnet-epoch02-hmean0.9705.ckpt",
    {
      training: [2, 24, 5],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.9597297297297297, 0.9814814814814815, 0.9704837387264279, 0.7043159008026123],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 3, save_last: true },
      primary: { name: "val/hmean", value: 0.9704837203025818, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints/dbnet-epoch03-hmean0.9778.ckpt",
    {
      training: [3, 32, 5],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.989804587935429, 0.9660033167495854, 0.9777591271506504, 0.6768715381622314],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 3, save_last: true },
      primary: { name: "val/hmean", value: 0.9777591228485107, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints/dbnet-epoch04-hmean0.9811.ckpt",
    {
      training: [4, 40, 5],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.9882220975883342, 0.9740187949143173, 0.9810690423162582, 0.6552993059158325],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 3, save_last: true },
      primary: { name: "val/hmean", value: 0.981069028377533, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints/last.ckpt",
    {
      training: [4, 40, 5],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.9882220975883342, 0.9740187949143173, 0.9810690423162582, 0.6552993059158325],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 3, save_last: true },
      primary: { name: "val/hmean", value: 0.981069028377533, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt",
    {
      training: [2, 24, 4],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.7342610955238342, 0.9996992349624634, 0.8466632962226868, 0.8611908555030823],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "val/hmean", value: 0.8466632962226868, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/epoch=3-step=32-val/hmean=0.8819.ckpt",
    {
      training: [3, 32, 4],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.7900000214576721, 0.9978947639465332, 0.8818604946136475, 0.7843207716941833],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "val/hmean", value: 0.8818604946136475, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/last.ckpt",
    {
      training: [3, 32, 4],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.7900000214576721, 0.9978947639465332, 0.8818604946136475, 0.7843207716941833],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "val/hmean", value: 0.8818604946136475, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44/csv_logs/version_0/checkpoints/epoch=3-step=32.ckpt",
    {
      training: [3, 32, 4],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.7900000214576721, 0.9978947639465332, 0.8818604946136475, 0.7843207716941833],
      checkpointing: { monitor: "val/loss", mode: "min", save_top_k: 1, save_last: false },
      primary: { name: "val/loss", value: 0.7843207716941833, higher_is_better: false },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_legacy/2026-11-22/14-52-50/csv_logs/version_0/checkpoints/epoch=2-step=24.ckpt",
    {
      training: [2, 24, 3],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.10809326171875, 1, 0.19509777426719666, 0.9413361549377441],
      checkpointing: { monitor: "none", mode: "min", save_top_k: 1, save_last: true },
      primary: { name: "val/hmean", value: 0.19509777426719666, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_legacy/2026-11-22/14-52-50/csv_logs/version_0/checkpoints/last.ckpt",
    {
      training: [2, 24, 3],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.10809326171875, 1, 0.19509777426719666, 0.9413361549377441],
      checkpointing: { monitor: "none", mode: "min", save_top_k: 1, save_last: true },
      primary: { name: "val/hmean", value: 0.19509777426719666, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_pl195/2026-11-22/14-53-07/checkpoints/1-16-0.8027.ckpt",
    {
      training: [1, 16, 3],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.6703564524650574, 1, 0.8026508092880249, 0.9147418737411499],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "val/hmean", value: 0.8026508092880249, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_pl195/2026-11-22/14-53-07/checkpoints/2-24-0.8591.ckpt",
    {
      training: [2, 24, 3],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.7535895109176636, 0.9988805055618286, 0.8590684533119202, 0.7726404666900635],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "val/hmean", value: 0.8590684533119202, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_pl195/2026-11-22/14-53-07/checkpoints/last.ckpt",
    {
      training: [2, 24, 3],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.7535895109176636, 0.9988805055618286, 0.8590684533119202, 0.7726404666900635],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "val/hmean", value: 0.8590684533119202, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_pl214/2026-11-22/14-53-02/csv_logs/version_0/checkpoints/epoch=0-step=8.ckpt",
    {
      training: [0, 8, 3],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.862652599811554, 0.9516375660896301, 0.9049628973007202, 1.266063928604126],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "val/hmean", value: 0.9049628973007202, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_pl214/2026-11-22/14-53-02/csv_logs/version_0/checkpoints/epoch=2-step=24.ckpt",
    {
      training: [2, 24, 3],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.7426688075065613, 1, 0.8523349761962891, 0.8378565907478333],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "val/hmean", value: 0.8523349761962891, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "lightning/outputs/dbnet_r18_dev_pl214/2026-11-22/14-53-02/csv_logs/version_0/checkpoints/last.ckpt",
    {
      training: [2, 24, 3],
      model: "dbnet / resnet18 / unet / db_head / db_loss",
      metrics: [0.7426688075065613, 1, 0.8523349761962891, 0.8378565907478333],
      checkpointing: { monitor: "val/hmean", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "val/hmean", value: 0.8523349761962891, higher_is_better: true },
      task: "text-detection",
    },
  ],
  [
    "timm/output/train/20261122-145342-test_efficientnet-32/checkpoint-1.pth.tar",
    {
      training: [1, 0, 3],
      model: "test_efficientnet / unknown / unknown / unknown / unknown",
      metrics: [null, null, null, 144.4498840967814],
      checkpointing: { monitor: "eval_top1", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "eval_top1", value: 33.333333333333336, higher_is_better: true },
      task: "image-classification",
    },
  ],
  [
    "timm/output/train/20261122-145342-test_efficientnet-32/checkpoint-2.pth.tar",
    {
      training: [2, 0, 3],
      model: "test_efficientnet / unknown / unknown / unknown / unknown",
      metrics: [null, null, null, 0.651002499792311],
      checkpointing: { monitor: "eval_top1", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "eval_top1", value: 83.33333333333333, higher_is_better: true },
      task: "image-classification",
    },
  ],
  [
    "timm/output/train/20261122-145342-test_efficientnet-32/last.pth.tar",
    {
      training: [2, 0, 3],
      model: "test_efficientnet / unknown / unknown / unknown / unknown",
      metrics: [null, null, null, 0.651002499792311],
      checkpointing: { monitor: "eval_top1", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "eval_top1", value: 83.33333333333333, higher_is_better: true },
      task: "image-classification",
    },
  ],
  [
    "timm/output/train/20261122-145342-test_efficientnet-32/model_best.pth.tar",
    {
      training: [2, 0, 3],
      model: "test_efficientnet / unknown / unknown / unknown / unknown",
      metrics: [null, null, null, 0.651002499792311],
      checkpointing: { monitor: "eval_top1", mode: "max", save_top_k: 2, save_last: true },
      primary: { name: "eval_top1", value: 83.33333333333333, higher_is_better: true },
      task: "image-classification",
    },
  ],
  [
    "torch/bf16_weights.pt",
    {
      training: [0, 500, null],
      model: "unknown / unknown / unknown / unknown / unknown",
      metrics: [null, null, null, null],
      checkpointing: { monitor: "unknown", mode: "min", save_top_k: 1, save_last: false },
      primary: { name: "validation_loss", value: null, higher_is_better: false },
      task: "generic",
    },
  ],
  [
    "torch/legacy_format_checkpoint.pth",
    {
      training: [5, 0, null],
      model: "unknown / unknown / unknown / unknown / unknown",
      metrics: [null, null, null, null],
      checkpointing: { monitor: "unknown", mode: "min", save_top_k: 1, save_last: false },
      primary: { name: "validation_loss", value: null, higher_is_better: false },
      task: "generic",
    },
  ],
  [
    "torch/resnet_tiny_state_dict.pt",
    {
      training: [0, 0, null],
      model: "unknown / unknown / unknown / unknown / unknown",
      metrics: [null, null, null, null],
      checkpointing: { monitor: "unknown", mode: "min", save_top_k: 1, save_last: false },
      primary: { name: "validation_loss", value: null, higher_is_better: false },
      task: "generic",
    },
  ],
  [
    "torch/tiny_cnn.safetensors",
    {
      training: [0, 0, null],
      model: "unknown / unknown / unknown / unknown / unknown",
      metrics: [null, null, null, null],
      checkpointing: { monitor: "unknown", mode: "min", save_top_k: 1, save_last: false },
      primary: { name: "validation_loss", value: null, higher_is_better: false },
      task: "generic",
    },
  ],
  [
    "torch/tiny_cnn_full_model.pt",
    {
      training: [0, 0, null],
      model: "unknown / unknown / unknown / unknown / unknown",
      metrics: [null, null, null, null],
      checkpointing: { monitor: "unknown", mode: "min", save_top_k: 1, save_last: false },
      primary: { name: "validation_loss", value: null, higher_is_better: false },
      task: "generic",
    },
  ],
  [
    "torch/tutorial_checkpoint.pt",
    {
      training: [12, 0, null],
      model: "unknown / unknown / unknown / unknown / unknown",
      metrics: [null, null, null, null],
      checkpointing: { monitor: "unknown", mode: "min", save_top_k: 1, save_last: false },
      primary: { name: "validation_loss", value: null, higher_is_better: false },
      task: "generic",
    },
  ],
  [
    "ultralytics/runs/detect/train/weights/best.pt",
    {
      training: [-1, 0, 30],
      model: "yolov8-micro / unknown / unknown / unknown / unknown",
      metrics: [0.78075, 0.07407, null, null],
      checkpointing: { monitor: "fitness", mode: "max", save_top_k: 1, save_last: true },
      primary: { name: "metrics/mAP50(B)", value: 0.10615, higher_is_better: true },
      task: "object-detection",
    },
  ],
  [
    "ultralytics/runs/detect/train/weights/epoch0.pt",
    {
      training: [0, 8, 30],
      model: "yolov8-micro / unknown / unknown / unknown / unknown",
      metrics: [0, 0, null, null],
      checkpointing: { monitor: "fitness", mode: "max", save_top_k: 1, save_last: true },
      primary: { name: "metrics/mAP50(B)", value: 0, higher_is_better: true },
      task: "object-detection",
    },
  ],
  [
    "ultralytics/runs/detect/train/weights/epoch25.pt",
    {
      training: [25, 44, 30],
      model: "yolov8-micro / unknown / unknown / unknown / unknown",
      metrics: [0.43136, 0.09258, null, null],
      checkpointing: { monitor: "fitness", mode: "max", save_top_k: 1, save_last: true },
      primary: { name: "metrics/mAP50(B)", value: 0.08222, higher_is_better: true },
      task: "object-detection",
    },
  ],
  [
    "ultralytics/runs/detect/train/weights/last.pt",
    {
      training: [-1, 0, 30],
      model: "yolov8-micro / unknown / unknown / unknown / unknown",
      metrics: [0.81884, 0.14815, null, null],
      checkpointing: { monitor: "fitness", mode: "max", save_top_k: 1, save_last: true },
      primary: { name: "metrics/mAP50(B)", value: 0.17509, higher_is_better: true },
      task: "object-detection",
    },
  ],
];

export function metadataSummary(metadata: CheckpointMetadataV1): Record<string, unknown> {
  const { training, model, metrics } = metadata;
  return {
    training: [training.epoch, training.global_step, training.max_epochs ?? null],
    model: [
      model.architecture,
      model.encoder.model_name,
      model.decoder.name,
      model.head.name,
      model.loss.name,
    ].join(" / "),
    metrics: [
      metrics.precision ?? null,
      metrics.recall ?? null,
      metrics.hmean ?? null,
      metrics.validation_loss ?? null,
    ],
    checkpointing: metadata.checkpointing,
    primary: metadata.ckpt?.primary_metric,
    task: metadata.ckpt?.task,
  };
}
