import { z } from "zod";
import type { FsMemo } from "../fs/fs-memo.ts";

/** A file that was found (absolute path) or not (null). */
const Path = z.string().nullable();

/** A Lightning logger dir (`<save_dir>/<name>/version_N`) and the run files in it. */
export const LightningLogDir = z.object({
  dir: z.string(),
  hparamsYaml: Path,
  metricsCsv: Path,
  eventFiles: z.array(z.string()),
});
export type LightningLogDir = z.infer<typeof LightningLogDir>;

/** Run files found for one checkpoint. Paths are absolute; nothing has been parsed. */
export const RunFileLocations = z.object({
  checkpointPath: z.string(),
  /** The most specific run dir: timm output dir, Ultralytics run, HF output_dir, else the Hydra/Lightning root. */
  runDir: z.string(),
  /** The job dir that contains `.hydra/`, when there is one above the checkpoint. */
  hydraDir: z.string().nullable(),
  hydra: z.object({ configYaml: Path, hydraYaml: Path, overridesYaml: Path }).nullable(),
  /** The dir holding the checkpoint first (when it is one), then the others under the run dir. */
  lightningLogDirs: z.array(LightningLogDir),
  timm: z.object({ summaryCsv: Path, argsYaml: Path }).nullable(),
  ultralytics: z.object({ resultsCsv: Path, argsYaml: Path }).nullable(),
  hf: z.object({ outputDir: z.string(), trainerState: Path, configJson: Path }).nullable(),
  /** Every TensorBoard event file found (Lightning log dirs, HF `runs/*`, Ultralytics run dir). */
  eventFiles: z.array(z.string()),
  wandb: z
    .object({ runDir: z.string(), runId: z.string().nullable(), candidates: z.number().int() })
    .nullable(),
  mlflow: z
    .object({
      runDir: z.string(),
      experimentDir: z.string(),
      matchedBy: z.enum(["contains-checkpoint", "artifact-uri", "run-name"]),
    })
    .nullable(),
  /** Existing config files in the predecessor's resolver order (`configCandidatePaths`). */
  configFiles: z.array(z.string()),
});
export type RunFileLocations = z.infer<typeof RunFileLocations>;

export type LocateRunOptions = {
  readonly checkpointPath: string;
  /** Never look above this directory. */
  readonly scanRoot?: string;
  /** Directories above the checkpoint's directory to look at. @default 6 */
  readonly maxLevels?: number;
  /** Used to pick among several W&B runs. @default the checkpoint's mtime */
  readonly checkpointMtimeMs?: number;
  /** Whether the checkpoint is a directory (HF, sharded), when the caller already knows. @default stat'ed */
  readonly checkpointIsDirectory?: boolean;
  /** Directory listings and stats shared by the checkpoints of one scan. @default none: every call looks afresh */
  readonly memo?: FsMemo;
};
