import packageJson from "../../../package.json" with { type: "json" };
import type { CheckpointReport } from "../../core/checkpoint/checkpoint-report.ts";
import { assembleMetadata } from "../../core/metadata/assemble-metadata.ts";
import type { AssemblyProblem } from "../../core/metadata/assembly-notes.ts";
import { extractExpName } from "../../core/metadata/extract-training.ts";
import type { CheckpointMetadataV1 } from "../../core/metadata/metadata-schema.ts";
import { isAssemblable, readReportFacts } from "../../core/metadata/report-facts.ts";
import type { MetricPoint } from "../../core/runs/metric-series.ts";
import { type FsMemo, realCheckpoint, realPathOf } from "../fs/fs-memo.ts";
import { type LoadedRun, loadRun } from "../run-files/run-context.ts";
import type { RunContextCache } from "../run-files/run-file-reader.ts";
import { pathUnderRoot } from "../scan/walk-paths.ts";
import { checkpointSizeAndMtime } from "./checkpoint-dir-identity.ts";
import { type KnownOnDisk, readCheckpointReport } from "./read-checkpoint.ts";

export type BuildMetadataOptions = {
  /** The directory being scanned: `checkpoint_path` and `hydra_config_path` are relative to it. */
  readonly scanRoot: string;
  /** The clock; only used for `created_at` when the file's mtime cannot be read. */
  readonly now: () => number;
  /** Share one across a command or the daemon so a run's files are parsed once. @default a fresh cache */
  readonly runContextCache?: RunContextCache;
  /** Stats and listings shared by the checkpoints of one scan (never across scans). */
  readonly fsMemo?: FsMemo;
  /** @default readCheckpointReport */
  readonly readReport?: (path: string, known?: KnownOnDisk) => CheckpointReport;
  /** `ckpt.generator.version`. @default the package version */
  readonly generatorVersion?: string;
  /** What the caller already knows of the checkpoint on disk (the walk's facts): then it is not looked at again. */
  readonly found?: FoundOnDisk;
};

/**
 * A checkpoint as the walk found it (`FileLocation`): its real path, whether it is a directory, and its size and
 * mtime as the catalog compares them (`checkpointSizeAndMtime`, a directory's folded from its files).
 */
export type FoundOnDisk = {
  readonly realPath: string;
  readonly isDirectory: boolean;
  readonly size: number;
  readonly mtimeMs: number;
  /** Whether its directory's listing held NeMo's `-unfinished` marker for it (undefined: not known). */
  readonly unfinishedMarker?: boolean | undefined;
};

export type CheckpointMetadataBuild = {
  readonly report: CheckpointReport;
  /** Null when the file is not a readable checkpoint; an unsafe file still gets metadata saying so. */
  readonly metadata: CheckpointMetadataV1 | null;
  readonly problems: readonly AssemblyProblem[];
  readonly run: {
    readonly dir: string | null;
    /** Null for a checkpoint that cannot be read (its run's name and task come from the others). */
    readonly expName: string | null;
    readonly task: string | null;
    /** The run's curves (`runCurvePoints`), read when called: only the catalog needs them. */
    readonly curvePoints: () => MetricPoint[];
  };
};

type OnDisk = {
  readonly realPath: string;
  /** Unknown when the checkpoint could not be stat'ed. */
  readonly isDirectory: boolean | undefined;
  readonly size: number;
  readonly mtimeMs: number;
};

/**
 * Whether the walk's facts still describe the bytes just read: a file whose size the reader found the same. One
 * that grew since the walk (a writer finishing it) is looked at again, so its sidecar records the size of the bytes
 * it was built from, as before; a directory checkpoint too (the reader's size is not its folded one).
 */
function stillAsFound(found: FoundOnDisk | undefined, report: CheckpointReport): found is FoundOnDisk {
  return found !== undefined && !found.isDirectory && report.size_bytes === found.size;
}

/** The checkpoint's real path, kind, size and mtime: the walk's facts, else one `lstat` (and a directory's fold). */
function onDisk(path: string, report: CheckpointReport, options: BuildMetadataOptions): OnDisk {
  if (stillAsFound(options.found, report)) return options.found;
  const { path: realPath, stats } = realCheckpoint(options.fsMemo ?? null, path);
  if (stats === undefined)
    return { realPath, isDirectory: undefined, size: report.size_bytes, mtimeMs: options.now() };
  // As the walk and the daemon record it (a directory: its files, not its own mtime), so its sidecar reads as current.
  const { size, mtimeMs } = checkpointSizeAndMtime(realPath, stats);
  return { realPath, isDirectory: stats.isDirectory(), size, mtimeMs };
}

function crashed(path: string, error: unknown): CheckpointMetadataBuild {
  const message = `${path}: building metadata failed (${String(error)}); this is a bug in ckpt, please report it`;
  const report = {
    path,
    status: "corrupt",
    error: { code: "internal", message },
    container: "unknown",
    framework: null,
    size_bytes: 0,
    bytes_read: 0,
    pickle_globals: [],
    safety: null,
  } as const satisfies CheckpointReport;
  return {
    report,
    metadata: null,
    problems: [{ code: "not-a-checkpoint", severity: "error", message }],
    run: { dir: null, expName: "unknown", task: "generic", curvePoints: () => [] },
  };
}

/** An unreadable checkpoint says nothing about its run's name or task: the run keeps what others said. */
function runOf(options: {
  readonly assemblable: boolean;
  readonly loaded: LoadedRun;
  readonly expName: () => string;
  readonly task: string;
}): CheckpointMetadataBuild["run"] {
  const { assemblable, loaded } = options;
  const dir = loaded.context.runDir;
  return assemblable
    ? { dir, expName: options.expName(), task: options.task, curvePoints: loaded.curvePoints }
    : { dir, expName: null, task: null, curvePoints: loaded.curvePoints };
}

/** Where the run of a checkpoint is looked for, with the caches the caller shares. */
function runLocation(options: BuildMetadataOptions, checkpoint: OnDisk & { readonly scanRoot?: string }) {
  const { realPath, isDirectory, scanRoot } = checkpoint;
  return {
    checkpointPath: realPath,
    ...(scanRoot === undefined ? {} : { scanRoot }),
    ...(isDirectory === undefined ? {} : { checkpointIsDirectory: isDirectory }),
    ...(options.runContextCache ? { cache: options.runContextCache } : {}),
    ...(options.fsMemo ? { memo: options.fsMemo } : {}),
  };
}

function build(path: string, options: BuildMetadataOptions): CheckpointMetadataBuild {
  // The walk's facts of a regular file are what the reader takes as known (KnownOnDisk).
  const { found } = options;
  const known = found === undefined || found.isDirectory ? undefined : found;
  const report = (options.readReport ?? readCheckpointReport)(path, known);
  const file = onDisk(path, report, options);
  const realPath = file.realPath;
  const root = realPathOf(options.fsMemo ?? null, options.scanRoot);
  const inside = pathUnderRoot(root, realPath) !== null;
  const facts = readReportFacts(report);
  const assemblable = isAssemblable(facts);
  const loaded = loadRun({
    ...runLocation(options, { ...file, ...(inside ? { scanRoot: root } : {}) }),
    checkpointMtimeMs: file.mtimeMs,
    context: assemblable,
  });
  const run = loaded.context;
  const hydraConfig = run.hydra?.configPath ?? null;
  const assembled = assembleMetadata({
    report,
    run,
    paths: {
      checkpoint: realPath,
      relativeCheckpoint: pathUnderRoot(root, realPath) ?? realPath,
      relativeHydraConfig: hydraConfig === null ? null : (pathUnderRoot(root, hydraConfig) ?? hydraConfig),
    },
    file: { size: file.size, mtime: new Date(file.mtimeMs).toISOString() },
    generatorVersion: options.generatorVersion ?? packageJson.version,
  });
  return {
    report,
    metadata: assembled.metadata,
    problems: assembled.problems,
    run: runOf({
      assemblable,
      loaded,
      expName: () => assembled.metadata?.exp_name ?? extractExpName(facts, run).value,
      task: assembled.task,
    }),
  };
}

/**
 * Everything ckpt knows about one checkpoint, the function the catalog, the daemon and `ckpt convert`/`show` call:
 * the reader's report, the assembled and validated `CheckpointMetadataV1` (null for a file that is not a readable
 * checkpoint), what went wrong, and the run it belongs to. Never throws.
 */
export function buildCheckpointMetadata(
  path: string,
  options: BuildMetadataOptions,
): CheckpointMetadataBuild {
  try {
    return build(path, options);
  } catch (error) {
    return crashed(path, error);
  }
}
