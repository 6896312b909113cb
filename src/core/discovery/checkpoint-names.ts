/**
 * File endings that may hold a checkpoint; longest first so `.pth.tar` wins over `.tar`. Exported models kept
 * beside checkpoints (GGUF, ONNX, Keras 3 `.keras`, NeMo `.nemo`) are catalogued too; content decides the format.
 */
export const CHECKPOINT_EXTENSIONS = [
  ".pth.tar",
  ".safetensors",
  ".keras",
  ".ckpt",
  ".gguf",
  ".onnx",
  ".nemo",
  ".pth",
  ".pt",
  ".bin",
] as const;

/** Directories that never hold checkpoints worth cataloguing, and are expensive to walk. */
const SKIPPED_DIRECTORY_NAMES = new Set([
  "node_modules",
  ".git",
  ".hg",
  ".svn",
  "__pycache__",
  ".venv",
  "venv",
  ".cache",
  ".ipynb_checkpoints",
  ".hydra",
  "media",
  // Where `ckpt prune --trash` keeps what it removed: never catalogued again until restored.
  ".ckpt-trash",
]);

/** The checkpoint extension of a file name, or null when the name is not a checkpoint candidate. */
export function checkpointExtension(name: string): string | null {
  const lower = name.toLowerCase();
  return (
    CHECKPOINT_EXTENSIONS.find((extension) => lower.endsWith(extension) && lower.length > extension.length) ??
    null
  );
}

/**
 * Staging names writers use while a checkpoint is in progress: timm's `tmp.pth.tar`/`recovery_tmp.pth.tar`,
 * HF 4.36–4.38 `tmp-checkpoint-N/`, and common `*.tmp`/`*.partial`/`*.incomplete`/`.~*` patterns.
 */
export function isStagingName(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower.startsWith("tmp") ||
    lower.startsWith(".~") ||
    lower.endsWith(".tmp") ||
    lower.endsWith(".partial") ||
    lower.endsWith(".incomplete") ||
    /(^|[._-])tmp\.pth\.tar$/.test(lower)
  );
}

/** Hugging Face Trainer checkpoint directory name (`trainer_utils.get_last_checkpoint` uses the same regex). */
export function isHfCheckpointDirName(name: string): boolean {
  return /^checkpoint-\d+$/.test(name);
}

/** Files that make a `checkpoint-N/` directory a Hugging Face checkpoint rather than a plain folder. */
export function isHfCheckpointMarker(name: string): boolean {
  return (
    name === "trainer_state.json" ||
    name === "config.json" ||
    name === "adapter_config.json" ||
    name.endsWith(".safetensors") ||
    name === "pytorch_model.bin"
  );
}

/** Lightning sharded strategies save a directory named like a checkpoint file (`epoch=0-step=100.ckpt/`). */
export function isShardedCheckpointDirName(name: string): boolean {
  return name.toLowerCase().endsWith(".ckpt");
}

export function isSkippedDirectoryName(name: string): boolean {
  return SKIPPED_DIRECTORY_NAMES.has(name);
}

/** What discovery finds, in words, from the rules above: for "no checkpoints under DIR" hints. */
export function describeCheckpointKinds(): string {
  const files = [...CHECKPOINT_EXTENSIONS].sort((a, b) => a.length - b.length || a.localeCompare(b));
  return `${files.join(" ")} files, Hugging Face checkpoint-N/ and Lightning sharded *.ckpt/ directories, and directories their files make checkpoints (DeepSpeed tags, torch DCP, Megatron iter_N/, Orbax steps, Accelerate and PEFT saves, sharded safetensors)`;
}
