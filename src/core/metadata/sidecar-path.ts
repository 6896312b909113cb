import { CHECKPOINT_EXTENSIONS, isHfCheckpointDirName } from "../discovery/checkpoint-names.ts";

/**
 * Where a checkpoint's sidecar lives (posix paths, pure string work): `best.ckpt` → `best.metadata.yaml`,
 * `x.pth.tar` → `x.metadata.yaml`, `a.pt|.pth|.bin|.safetensors` → `a.metadata.yaml`, and a Hugging Face
 * `checkpoint-N/` directory → `checkpoint-N/ckpt.metadata.yaml`. Other names lose their last extension, like
 * Python's `Path.with_suffix(".metadata.yaml")`.
 */

export const SIDECAR_SUFFIX = ".metadata.yaml";
/** The sidecar's name inside a checkpoint directory. */
export const DIRECTORY_SIDECAR_NAME = "ckpt.metadata.yaml";
const TEMP_MARKER = ".ckpt-tmp-";
const TEMP_NAME = /^\..+\.ckpt-tmp-[A-Za-z0-9_-]+$/;

export type CheckpointKind = "file" | "directory";

/**
 * The sidecar path for a checkpoint. A trailing `/` also marks a directory checkpoint.
 * @example sidecarPathFor("runs/a/best.ckpt") // "runs/a/best.metadata.yaml"
 * @example sidecarPathFor("out/checkpoint-500", { kind: "directory" }) // "out/checkpoint-500/ckpt.metadata.yaml"
 */
export function sidecarPathFor(
  checkpointPath: string,
  options: { readonly kind?: CheckpointKind } = {},
): string {
  const trimmed = checkpointPath.replace(/\/+$/, "");
  if (options.kind === "directory" || (trimmed !== checkpointPath && trimmed !== "")) {
    return `${trimmed}/${DIRECTORY_SIDECAR_NAME}`;
  }
  const { directory, name } = splitPath(checkpointPath);
  return `${directory}${checkpointStem(name)}${SIDECAR_SUFFIX}`;
}

/**
 * A catalogued checkpoint's own sidecar path: a file's beside it, a checkpoint directory's (`hf-dir`,
 * `sharded-dir`) inside it. Where a symlink's sidecar goes is `sidecarLocation`'s question (src/io/sidecar).
 */
export function ownSidecarPath(checkpoint: { readonly path: string; readonly kind: string }): string {
  return sidecarPathFor(checkpoint.path, { kind: checkpoint.kind === "file" ? "file" : "directory" });
}

/** True for `x.metadata.yaml` (including `ckpt.metadata.yaml`); a bare `.metadata.yaml` is not a sidecar. */
export function isSidecarFileName(name: string): boolean {
  return name.endsWith(SIDECAR_SUFFIX) && name.length > SIDECAR_SUFFIX.length && !isSidecarTempFileName(name);
}

/**
 * Checkpoint paths a sidecar may belong to, for orphan detection: same-stem siblings with each checkpoint
 * extension, and the containing `checkpoint-N/` directory for a `ckpt.metadata.yaml`. Empty when not a sidecar.
 */
export function checkpointCandidatesForSidecar(sidecarPath: string): string[] {
  const { directory, name } = splitPath(sidecarPath);
  if (!isSidecarFileName(name)) return [];
  const stem = name.slice(0, -SIDECAR_SUFFIX.length);
  const siblings = CHECKPOINT_EXTENSIONS.map((extension) => `${directory}${stem}${extension}`);
  const parent = directory.replace(/\/$/, "");
  const parentName = splitPath(parent).name;
  const owningDirectory =
    name === DIRECTORY_SIDECAR_NAME && isHfCheckpointDirName(parentName) ? [parent] : [];
  return [...owningDirectory, ...siblings];
}

/**
 * The temp file an atomic write goes through, in the sidecar's own directory so `rename` stays on one filesystem.
 * Dot-prefixed so tools hide it; `random` must be `[A-Za-z0-9_-]+`.
 * @example sidecarTempPath("a/best.metadata.yaml", "k3x9") // "a/.best.metadata.yaml.ckpt-tmp-k3x9"
 */
export function sidecarTempPath(sidecarPath: string, random: string): string {
  const { directory, name } = splitPath(sidecarPath);
  return `${directory}.${name}${TEMP_MARKER}${random}`;
}

/** Our own temp files: walkers skip them and a restart may delete stale ones. */
export function isSidecarTempFileName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** The checkpoint's name without its checkpoint extension (`x.pth.tar` → `x`). */
function checkpointStem(name: string): string {
  const lower = name.toLowerCase();
  const known = CHECKPOINT_EXTENSIONS.find(
    (extension) => lower.endsWith(extension) && lower.length > extension.length,
  );
  if (known) return name.slice(0, -known.length);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

/** `directory` keeps its trailing `/` (or is empty), so `${directory}${name}` rebuilds the path. */
function splitPath(path: string): { directory: string; name: string } {
  const slash = path.lastIndexOf("/");
  return { directory: path.slice(0, slash + 1), name: path.slice(slash + 1) };
}
