import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";
import { createFsMemo, type FsMemo, realCheckpointPath, realPathOf } from "../fs/fs-memo.ts";
import type { JudgedWith } from "../object-store/object-candidates.ts";
import type { ObjectIdentity } from "../object-store/object-identity.ts";
import type { ListedObject } from "../object-store/s3-listing.ts";
import { sidecarLocation } from "../sidecar/sidecar-placement.ts";
import { pathUnderRoot, scanRootOf } from "./walk-paths.ts";

/** What the catalog compares to know a local checkpoint unchanged (the walk's stat, folded for a directory). */
export type FileIdentity = Pick<ScannedFile, "dev" | "ino" | "size" | "mtime_ms">;

/**
 * A checkpoint on local disk as it is indexed, built once where the path is found (the walk, a daemon event, run
 * reassembly, convert) and passed along as is, to the read workers too (a plain value: it is structured-cloned).
 */
export type FileLocation = {
  readonly kind: "file";
  /** The row's facts: `file.path` is the path as found (the catalog's key), and its identity. */
  readonly file: ScannedFile;
  /** `file` itself, named for what the catalog compares: dev, ino, size, mtime. */
  readonly identity: FileIdentity;
  /** The real path the checkpoint's bytes are read from. */
  readonly realPath: string;
  /** The watched or scanned root it was found under (a directory, or the checkpoint when named alone): sidecars
   * are written only below it. */
  readonly root: string;
  /** The directory `relativePath` and the run-file search are reckoned from: `root`, but for convert's
   * `--checkpoint` (the current directory) and `--exp-dir` (the experiment's parent). */
  readonly relativeTo: string;
  /** `checkpoint_path`: the real path relative to the real path of `relativeTo` (the real path when outside). */
  readonly relativePath: string;
  /** Where its sidecar is looked for and the only place it may be written (`sidecarLocation`). */
  readonly sidecar: string;
};

/** A checkpoint in an object store as a listing found it: one object, or a checkpoint directory's objects. */
export type ObjectLocation = {
  readonly kind: "object";
  /** The row's facts: `file.path` is `s3://bucket/key`; dev = ino = 0; mtime_ms is the last-modified time. */
  readonly file: ScannedFile;
  /** Size, ETag and last-modified, from the listing (or from the read, when it found a newer version). */
  readonly identity: ObjectIdentity;
  readonly bucket: string;
  /** The object's key; a checkpoint directory's prefix without its trailing slash. */
  readonly key: string;
  /** A checkpoint directory's objects (sidecars left out); null for a single object. */
  readonly members: readonly ListedObject[] | null;
  /** What its read is judged with besides its objects (a DeepSpeed tag's `latest`, Megatron's tracker). */
  readonly judgedWith: JudgedWith | null;
  /** The `s3://bucket/prefix` scanned. */
  readonly root: string;
  /** `checkpoint_path`: the key below the scanned prefix. */
  readonly relativePath: string;
  /** The key of its sidecar, `<key-stem>.metadata.yaml` next to it. */
  readonly sidecar: string;
};

/** "A checkpoint somewhere": what `readOne` indexes, whichever kind of store holds it. */
export type CheckpointLocation = FileLocation | ObjectLocation;

/** `checkpoint_path` of a local checkpoint: its real path relative to the real path of `relativeTo`. */
function relativePathOf(
  file: ScannedFile,
  options: { relativeTo: string; memo: FsMemo | null },
): {
  realPath: string;
  relativePath: string;
} {
  const realPath = realCheckpointPath(options.memo, file.path, file.symlink);
  const relativePath = pathUnderRoot(realPathOf(options.memo, options.relativeTo), realPath) ?? realPath;
  return { realPath, relativePath };
}

/** The location of a local checkpoint found under `root`; its relative path, real path and sidecar computed once. */
export function fileLocation(
  file: ScannedFile,
  options: { readonly root: string; readonly relativeTo?: string; readonly memo?: FsMemo },
): FileLocation {
  const { root } = options;
  const relativeTo = options.relativeTo ?? root;
  const memo = options.memo ?? null;
  const { realPath, relativePath } = relativePathOf(file, { relativeTo, memo });
  const sidecar = sidecarLocation(file, { scanRoot: root, memo: options.memo });
  return { kind: "file", file, identity: file, realPath, root, relativeTo, relativePath, sidecar };
}

/**
 * The location of a checkpoint the walk found under one of `roots` (the innermost holding it). `relativeTo`: as for
 * `fileLocation` (convert's `--checkpoint` and `--exp-dir`).
 */
export function locationUnder(
  file: ScannedFile,
  roots: readonly string[],
  options: { readonly memo?: FsMemo; readonly relativeTo?: string } = {},
): FileLocation {
  return fileLocation(file, { root: scanRootOf(file.path, roots), ...options });
}

/**
 * The locations of many checkpoints one walk found (a scan's reads): their directories' and roots' real paths
 * looked up once for all of them, not once per checkpoint (`bench/location-bench.ts`: 81 → 7 µs a checkpoint).
 */
export function locationsUnder(files: readonly ScannedFile[], roots: readonly string[]): FileLocation[] {
  const memo = createFsMemo();
  return files.map((file) => locationUnder(file, roots, { memo }));
}
