import { isWrittenByCkpt } from "../../core/metadata/ckpt-generator.ts";
import { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import { ownSidecarPath } from "../../core/metadata/sidecar-path.ts";
import type { FoundOnDisk } from "../checkpoint/checkpoint-metadata-pipeline.ts";
import { sidecarLookOf } from "../sidecar/sidecar-look.ts";
import { writeCheckpointSidecar } from "../sidecar/sidecar-placement.ts";
import { sidecarRun, sidecarRunDir, sidecarRunPoints } from "../sidecar/sidecar-run.ts";
import { readSidecar, readSidecarText } from "../sidecar/sidecar-store.ts";
import type { FileLocation } from "./checkpoint-location.ts";
import {
  type CheckpointPlace,
  isSidecarCurrent,
  MISSING,
  type SidecarLook,
  STALE_OURS,
} from "./checkpoint-place.ts";
import type { AssembleCheckpoint, ReadEntryOptions } from "./index-one.ts";

/**
 * Sidecars ckpt wrote use a fixed YAML subset, so Bun's native parser (about 40× faster than the PyYAML-compatible
 * one) reads them identically. Anything else, and anything that fails here, goes through `readSidecar`, which
 * keeps PyYAML's semantics and reports problems with line numbers.
 */
function readOwnSidecarFast(sidecar: string): CheckpointMetadataV1 | null {
  try {
    const text = readSidecarText(sidecar);
    if (!text.success) return null;
    const value: unknown = Bun.YAML.parse(text.data);
    if (typeof value !== "object" || value === null || !("ckpt" in value)) return null;
    // The schema alone decides validity (validateMetadata adds warnings only), so skip the warnings pass here.
    const checked = CheckpointMetadataV1.safeParse(value);
    return checked.success && isWrittenByCkpt(checked.data) ? checked.data : null;
  } catch {
    return null;
  }
}

function lookOnDisk(location: FileLocation, options: Pick<ReadEntryOptions, "runFilesChanged">): SidecarLook {
  const { file, sidecar } = location;
  if (!file.sidecar_present && sidecar === ownSidecarPath(file)) return MISSING;
  const outdated = options.runFilesChanged === true;
  const fast = readOwnSidecarFast(sidecar);
  if (fast !== null)
    return isSidecarCurrent(fast, file) && !outdated ? { kind: "use", metadata: fast } : STALE_OURS;
  return sidecarLookOf(readSidecar(sidecar), { name: sidecar, file, outdated });
}

/**
 * What the walk knew of a checkpoint that is not a symlink, for the pipeline (which otherwise `lstat`s it again). A
 * symlink's facts are left to the pipeline, which follows it.
 */
function foundOnDisk(location: FileLocation): { readonly found?: FoundOnDisk } {
  const { file, realPath } = location;
  if (file.symlink !== false) return {};
  return {
    found: {
      realPath,
      isDirectory: file.kind !== "file",
      size: file.size,
      mtimeMs: file.mtime_ms,
      unfinishedMarker: file.unfinishedMarker,
    },
  };
}

/**
 * Local disk as `readOne` reaches it: sidecars beside the checkpoint (`location.sidecar`), the run's curves from its
 * run files, the checkpoint assembled by `options.assemble`, sidecars written where `decideSidecarWrite` allows.
 */
export function filePlace(
  options: ReadEntryOptions & { readonly assemble: AssembleCheckpoint },
): CheckpointPlace<FileLocation> {
  return {
    look: (location) => lookOnDisk(location, options),
    sidecarRun: async (location, metadata) => {
      const { file } = location;
      const scoped = { ...options, scanRoot: location.relativeTo };
      const runDir = sidecarRunDir(file, scoped);
      const points = await sidecarRunPoints(file, { ...scoped, runDir });
      return { runDir, run: sidecarRun(metadata, runDir, points) };
    },
    assemble: async (location) => {
      const assembled = await options.assemble(location.file.path, {
        scanRoot: location.relativeTo,
        now: options.now,
        ...(options.memo ? { memo: options.memo } : {}),
        ...foundOnDisk(location),
      });
      return { assembled, location };
    },
    writeSidecar: (location, metadata, force) =>
      writeCheckpointSidecar(location.file, metadata, { scanRoot: location.root, memo: options.memo, force }),
  };
}
