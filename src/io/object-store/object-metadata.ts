import packageJson from "../../../package.json" with { type: "json" };
import { assembleMetadata } from "../../core/metadata/assemble-metadata.ts";
import type { AssemblyProblem } from "../../core/metadata/assembly-notes.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import { emptyRunContext } from "../../core/metadata/run-context-model.ts";
import type { ObjectRead } from "./read-object-checkpoint.ts";

export type ObjectMetadata = {
  readonly metadata: CheckpointMetadataV1 | null;
  readonly problems: readonly AssemblyProblem[];
  /** Why there is no metadata, naming the object; null when there is. */
  readonly problem: string | null;
};

/**
 * The sidecar metadata of one checkpoint object, from its bytes alone: run files next to an object (hparams.yaml,
 * metrics.csv) are not fetched, so every value's source is the checkpoint. `created_at` and `ckpt.file.mtime`
 * are the object's last-modified time.
 */
export function objectMetadata(
  read: ObjectRead,
  options: { readonly relativePath: string; readonly generatorVersion?: string },
): ObjectMetadata {
  const url = read.report.path;
  const lastModified = read.identity?.lastModified ?? null;
  const ms = lastModified === null ? Number.NaN : Date.parse(lastModified);
  const assembled = assembleMetadata({
    report: read.report,
    run: emptyRunContext(null),
    paths: { checkpoint: url, relativeCheckpoint: options.relativePath, relativeHydraConfig: null },
    file: {
      size: read.identity?.size ?? read.report.size_bytes,
      mtime: new Date(Number.isFinite(ms) ? ms : 0).toISOString(),
    },
    generatorVersion: options.generatorVersion ?? packageJson.version,
  });
  const firstError = assembled.problems.find((problem) => problem.severity === "error");
  const problem =
    assembled.metadata === null
      ? (read.report.error?.message ?? firstError?.message ?? `${url}: not a readable checkpoint`)
      : null;
  return { metadata: assembled.metadata, problems: assembled.problems, problem };
}
