import { existsSync } from "node:fs";
import { comparePaths } from "../../core/discovery/compare-paths.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import { buildCheckpointMetadata } from "../checkpoint/checkpoint-metadata-pipeline.ts";
import { realPathOf } from "../fs/fs-memo.ts";
import { fsPath } from "../fs/fs-path.ts";
import { createRunContextCache } from "../run-files/run-file-reader.ts";
import { sidecarLocation, writeCheckpointSidecar } from "../sidecar/sidecar-placement.ts";
import { sidecarWriteVerdict } from "../sidecar/sidecar-write-policy.ts";
import { walkCheckpoints } from "./checkpoint-walker.ts";
import { NOT_FOLLOWED } from "./root-scope.ts";
import type { FoundCheckpoint } from "./walk-candidate.ts";
import { scanRootOf } from "./walk-paths.ts";

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
  readonly cache: ReturnType<typeof createRunContextCache>;
  readonly claimed: Set<string>;
};

function unsafeWarnings(path: string, metadata: CheckpointMetadataV1 | null): string[] {
  const safety = metadata?.ckpt?.safety;
  if (safety?.status !== "unsafe") return [];
  const calls = safety.dangerous.join(", ") || "dangerous callables";
  return [
    `${path}: UNSAFE pickle (calls ${calls}); the sidecar records ckpt.safety.status: unsafe. Never torch.load it.`,
  ];
}

function convertOne(checkpoint: FoundCheckpoint, context: Context): ConvertOutcome {
  const { path } = checkpoint;
  if (checkpoint.alias_of !== null) {
    const reason = `${path}: same file as ${checkpoint.alias_of}, which holds the sidecar`;
    return { path, sidecar: null, status: "skipped", reason, warnings: [] };
  }
  const realPath = realPathOf(null, path);
  const placement = { scanRoot: scanRootOf(path, context.roots) };
  const sidecar = sidecarLocation(checkpoint, placement);
  if (context.claimed.has(sidecar)) {
    return {
      path,
      sidecar,
      status: "skipped",
      reason: `${path}: shares ${sidecar} with its link target`,
      warnings: [],
    };
  }
  context.claimed.add(sidecar);
  // Convert asks for sidecars: the one rule, in write mode, replacing nothing unless forced.
  const verdict = sidecarWriteVerdict({
    mode: "write",
    onDisk: existsSync(fsPath(sidecar)) ? "theirs" : "none",
    overwrite: context.force ? "any" : "never",
  });
  if (verdict.kind === "keep") {
    const reason = `${sidecar} already exists (use --force to rewrite it)`;
    return { path, sidecar, status: "skipped", reason, warnings: [] };
  }
  const built = buildCheckpointMetadata(realPath, {
    scanRoot: context.scanRoot,
    now: context.now,
    runContextCache: context.cache,
    generatorVersion: context.generatorVersion,
  });
  const warnings = unsafeWarnings(path, built.metadata);
  if (!built.metadata) {
    // The reader's message already names the file, the cause and what to do.
    const reason =
      built.report.error?.message ?? `${path}: ${built.problems[0]?.message ?? built.report.status}`;
    return { path, sidecar, status: "failed", reason, warnings };
  }
  if (context.dryRun) return { path, sidecar, status: "would-convert", warnings };
  const written = writeCheckpointSidecar(checkpoint, built.metadata, { ...placement, force: verdict.force });
  if (!written.success) return { path, sidecar, status: "failed", reason: written.error.message, warnings };
  return { path, sidecar, status: "converted", warnings };
}

/**
 * The legacy conversion tool's loop: every checkpoint under the roots gets a sidecar, unless one exists (skipped
 * without `force`), it is another name of a file already handled (a symlinked `last.ckpt` shares its target's), or
 * it is not a readable checkpoint (failed, with the reason). Unsafe pickles get a sidecar that says so, plus a warning.
 */
export function convertCheckpoints(options: ConvertOptions): ConvertSummary {
  const walked = walkCheckpoints(options.roots, {
    recursive: options.recursive,
    followSymlinks: options.followSymlinks ?? false,
  });
  const context: Context = { ...options, cache: createRunContextCache(), claimed: new Set() };
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
  found.forEach((checkpoint, index) => {
    options.onProgress?.(index + 1, found.length, checkpoint.path);
    outcomes.push(convertOne(checkpoint, context));
  });
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
