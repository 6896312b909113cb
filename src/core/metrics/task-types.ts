/** Every task ckpt knows metric tables for; `generic` is the catch-all when nothing says otherwise. */
export const TASK_TYPES = [
  "text-detection",
  "image-classification",
  "object-detection",
  "instance-segmentation",
  "semantic-segmentation",
  "pose-estimation",
  "language-modelling",
  "generic",
] as const;

export type TaskType = (typeof TASK_TYPES)[number];
