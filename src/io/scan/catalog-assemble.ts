import { buildCheckpointMetadata } from "../checkpoint/checkpoint-metadata-pipeline.ts";
import { CheckpointUnreadableError } from "../checkpoint/checkpoint-unreadable-error.ts";
import { createRunContextCache } from "../run-files/run-file-reader.ts";
import type { AssembleCheckpoint } from "./index-one.ts";

// One per thread (main and each read worker): a run's files are parsed once per scan, not once per checkpoint.
const runContextCache = createRunContextCache();

/** How the scan builds metadata for a checkpoint without a usable sidecar: the metadata pipeline, adapted. */
export const defaultAssemble: AssembleCheckpoint = (path, options) => {
  const built = buildCheckpointMetadata(path, {
    scanRoot: options.scanRoot,
    now: options.now,
    runContextCache,
    ...(options.memo ? { fsMemo: options.memo } : {}),
    ...(options.found ? { found: options.found } : {}),
  });
  // Not a verdict on the file: the catalog must not record "not a checkpoint" for what it could not open.
  if (built.report.error?.code === "unreadable")
    throw new CheckpointUnreadableError(path, built.report.error.message.replace(`${path}: `, ""));
  const firstError = built.problems.find((problem) => problem.severity === "error");
  const problem =
    built.metadata === null
      ? (built.report.error?.message ?? firstError?.message ?? `${path}: not a readable checkpoint`)
      : null;
  return {
    status: built.report.status,
    metadata: built.metadata,
    problem,
    run:
      built.run.dir === null
        ? null
        : {
            dir: built.run.dir,
            expName: built.run.expName,
            task: built.run.task,
            points: built.run.curvePoints(),
          },
  };
};
