import { taskMetrics } from "../metrics/metric-catalog.ts";
import { TASK_TYPES, type TaskType } from "../metrics/task-types.ts";

/**
 * Logged names a task shows beside its canonical standard metrics: the HF Trainer logs the learning rate as
 * `learning_rate`, and the metric catalog has no canonical learning rate (it has no better direction).
 */
const SHOWN_LOGGED_NAMES: Readonly<Partial<Record<TaskType, readonly string[]>>> = {
  "language-modelling": ["learning_rate"],
};

/** The task a catalog row or sidecar names, when ckpt knows it (rows keep the task as text). */
export function knownTask(task: string | null | undefined): TaskType | null {
  return TASK_TYPES.find((known) => known === task) ?? null;
}

/**
 * The metrics `show`, `ls` and the TUI show for a task, primary first: its standard metrics (DESIGN §4), and the
 * logged names it is known by (an LLM's learning rate). Unknown tasks show the generic ones.
 */
export function taskShownMetrics(task: string | null | undefined): readonly string[] {
  const known = knownTask(task) ?? "generic";
  return [...taskMetrics(known).standard, ...(SHOWN_LOGGED_NAMES[known] ?? [])];
}

/** Whether the task is one whose model ckpt describes with encoder, decoder, head and loss (text detection). */
export function describesDecoder(task: string | null | undefined): boolean {
  return knownTask(task) === "text-detection";
}
