import { existsSync } from "node:fs";
import { comparePaths } from "../../core/discovery/compare-paths.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import { buildCheckpointMetadata } from "../checkpoint/checkpoint-metadata-pipeline.ts";
import { createFsMemo, type FsMemo } from "../fs/fs-memo.ts";
import { fsPath } from "../fs/fs-path.ts";
import { createRunContextCache } from "../run-files/run-file-reader.ts";
import { sidecarWriteVerdict } from "../sidecar/sidecar-write-policy.ts";
import { type FileLocation, locationUnder } from "./checkpoint-location.ts";
import { walkCheckpoints } from "./checkpoint-walker.ts";
import { type AssembleCheckpoint, type ReadOutcome, readOne } from "./index-one.ts";
import { NOT_FOLLOWED } from "./root-scope.ts";
import type { FoundCheckpoint } from "./walk-candidate.ts";

export const CONVERT_STATUSES = ["converted", "would-convert", "skipped", "failed"] as const;
export type ConvertStatus = (typeof CONVERT_STATUSES)[number];

export type ConvertOutcome = {
  readonly path: string;
  readonly sidecar: string | null;
  readonly status: ConvertStatus;
  /** Why it was skipped or failed; names the file and what to do. */
  readonly reason?: string;
  /** E.g. an unsafe pickle: the sidecar was written and says so. */
  readonly warnings: readonly string[];
};

export type ConvertSummary = {
  readonly total: number;
  readonly converted: number;
  readonly skipped: number;
  readonly failed: number;
  readonly dryRun: boolean;
  readonly outcomes: readonly ConvertOutcome[];
};

export type ConvertOptions = {
  /** Checkpoint files/dirs or directories to walk. */
  readonly roots: readonly string[];
  /** `checkpoint_path` and `hydra_config_path` are relative to it. */
  readonly scanRoot: string;
  readonly recursive: boolean;
  /** Follow symlinks out of the roots too (their targets are read; sidecars still go only under the roots). */
  readonly followSymlinks?: boolean;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly now: () => number;
  readonly generatorVersion: string;
  /** Called before each checkpoint (1-based). */
  readonly onProgress?: (done: number, total: number, path: string) => void;
};

type Context = ConvertOptions & {
  readonly assemble: AssembleCheckpoint;
  readonly claimed: Set<string>;
  /** Real paths of the directories this command met, looked up once. */
  readonly memo: FsMemo;
};

function unsafeWarnings(path: string, metadata: CheckpointMetadataV1 | null): string[] {
  const safety = metadata?.ckpt?.safety;
  if (safety?.status !== "unsafe") return [];
  const calls = safety.dangerous.join(", ") || "dangerous callables";
  return [
    `${path}: UNSAFE pickle (calls ${calls}); the sidecar records ckpt.safety.status: unsafe. Never torch.load it.`,
  ];
}

/**
 * Convert's assemble step for `readOne`: the metadata pipeline with this ckpt's version as the generator, without
 * the run's curves (no catalog to put them in); an unreadable file is a failure named by the reader's message.
 */
function convertAssemble(options: ConvertOptions): AssembleCheckpoint {
  const runContextCache = createRunContextCache();
  return (path, given) => {
    const built = buildCheckpointMetadata(path, {
      scanRoot: given.scanRoot,
      now: options.now,
      runContextCache,
      generatorVersion: options.generatorVersion,
    });
    const problem = built.metadata
      ? null
      : (built.report.error?.message ?? `${path}: ${built.problems[0]?.message ?? built.report.status}`);
    return { status: built.report.status, metadata: built.metadata, problem, run: null };
  };
}

function skipped(location: FileLocation, reason: string): ConvertOutcome {
  return { path: location.file.path, sidecar: location.sidecar, status: "skipped", reason, warnings: [] };
}

/** What `readOne` did, as convert reports it: converted (or would be), or failed with the reader's or writer's why. */
function outcomeOf(location: FileLocation, read: ReadOutcome, dryRun: boolean): ConvertOutcome {
  const { path } = location.file;
  const { sidecar } = location;
  const metadata = read.entry.metadata;
  const warnings = unsafeWarnings(path, metadata);
  if (metadata === null) {
    // The reader's message already names the file, the cause and what to do.
    const reason = read.entry.problem ?? `${path}: ${read.entry.status}`;
    return { path, sidecar, status: "failed", reason, warnings };
  }
  if (dryRun) return { path, sidecar, status: "would-convert", warnings };
  if (read.wrote !== null) return { path, sidecar: read.wrote, status: "converted", warnings };
  const reason = read.sidecarError?.message ?? `${sidecar} appeared meanwhile (use --force to rewrite it)`;
  return { path, sidecar, status: read.sidecarError === null ? "skipped" : "failed", reason, warnings };
}

async function convertOne(checkpoint: FoundCheckpoint, context: Context): Promise<ConvertOutcome> {
  const { path } = checkpoint;
  if (checkpoint.alias_of !== null) {
    const reason = `${path}: same file as ${checkpoint.alias_of}, which holds the sidecar`;
    return { path, sidecar: null, status: "skipped", reason, warnings: [] };
  }
  const location = locationUnder(checkpoint, context.roots, {
    relativeTo: context.scanRoot,
    memo: context.memo,
  });
  const { sidecar } = location;
  if (context.claimed.has(sidecar))
    return skipped(location, `${path}: shares ${sidecar} with its link target`);
  context.claimed.add(sidecar);
  // Convert asks for sidecars: the one rule, in write mode, replacing nothing unless forced. Asked before reading,
  // so a checkpoint whose sidecar is kept is not read at all.
  const overwrite = context.force ? "any" : "never";
  const onDisk = existsSync(fsPath(sidecar)) ? "theirs" : "none";
  if (sidecarWriteVerdict({ mode: "write", onDisk, overwrite }).kind === "keep")
    return skipped(location, `${sidecar} already exists (use --force to rewrite it)`);
  const read = await readOne(location, {
    sidecars: context.dryRun ? "read" : "write",
    now: context.now,
    assemble: context.assemble,
    overwrite,
    ignoreSidecar: true,
  });
  return outcomeOf(location, read, context.dryRun);
}

/**
 * The legacy conversion tool's loop: every checkpoint under the roots gets a sidecar, unless one exists (skipped
 * without `force`), it is another name of a file already handled (a symlinked `last.ckpt` shares its target's), or
 * it is not a readable checkpoint (failed, with the reason). Unsafe pickles get a sidecar that says so, plus a warning.
 */
export async function convertCheckpoints(options: ConvertOptions): Promise<ConvertSummary> {
  const walked = walkCheckpoints(options.roots, {
    recursive: options.recursive,
    followSymlinks: options.followSymlinks ?? false,
  });
  const context: Context = {
    ...options,
    assemble: convertAssemble(options),
    claimed: new Set(),
    memo: createFsMemo(),
  };
  const found = [...walked.checkpoints].sort(
    (a, b) => Number(a.symlink) - Number(b.symlink) || comparePaths(a.path, b.path),
  );
  const outcomes: ConvertOutcome[] = walked.problems.map((problem) =>
    // A symlink left alone on purpose is not a failure, but the user hears of it.
    problem.code === NOT_FOLLOWED
      ? {
          path: problem.path,
          sidecar: null,
          status: "skipped",
          reason: problem.message,
          warnings: [problem.message],
        }
      : { path: problem.path, sidecar: null, status: "failed", reason: problem.message, warnings: [] },
  );
  for (const [index, checkpoint] of found.entries()) {
    options.onProgress?.(index + 1, found.length, checkpoint.path);
    outcomes.push(await convertOne(checkpoint, context));
  }
  outcomes.sort((a, b) => comparePaths(a.path, b.path));
  const count = (...statuses: ConvertStatus[]) =>
    outcomes.filter((outcome) => statuses.includes(outcome.status)).length;
  return {
    total: found.length,
    converted: count("converted", "would-convert"),
    skipped: count("skipped"),
    failed: count("failed"),
    dryRun: options.dryRun,
    outcomes,
  };
}
