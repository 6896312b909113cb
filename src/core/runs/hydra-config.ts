import { z } from "zod";
import { parsePythonYaml } from "../metadata/python-yaml.ts";
import { fail, ok, type Result } from "../result.ts";
import { type RunFileError, runFileError } from "./metric-series.ts";

/** Parses one YAML run file; the error names the file, line and column. */
export function parseRunYaml(text: string, file: string): Result<unknown, RunFileError> {
  const parsed = parsePythonYaml(text);
  if (parsed.success) return ok(parsed.data);
  const { message, line, col } = parsed.error;
  return fail(
    runFileError({
      file,
      line,
      problem: `invalid YAML at column ${col}: ${message}`,
      hint: "fix or remove the file",
    }),
  );
}

function expectMapping(value: unknown, file: string): Result<Record<string, unknown>, RunFileError> {
  if (value === null || value === undefined) return ok({});
  if (typeof value === "object" && !Array.isArray(value)) return ok({ ...value });
  return fail(
    runFileError({ file, problem: "top level is not a mapping", hint: "pass the file the run wrote" }),
  );
}

/** Parses a YAML file whose top level must be a mapping (empty file → `{}`). */
export function parseYamlMapping(text: string, file: string): Result<Record<string, unknown>, RunFileError> {
  const parsed = parseRunYaml(text, file);
  return parsed.success ? expectMapping(parsed.data, file) : parsed;
}

/**
 * `.hydra/config.yaml`: the task config, **unresolved**: `${…}` interpolations and `???` stay literal strings
 * (resolving them is not ours to guess; the checkpoint's hyper_parameters often hold the resolved values).
 */
export function parseHydraConfig(text: string, file: string): Result<Record<string, unknown>, RunFileError> {
  return parseYamlMapping(text, file);
}

/** What `.hydra/hydra.yaml` says about the job. */
export const HydraRuntime = z.object({
  jobName: z.string().nullable(),
  /** Absolute path at run time; the run dir may have moved since. */
  outputDir: z.string().nullable(),
  cwd: z.string().nullable(),
  version: z.string().nullable(),
  mode: z.string().nullable(),
  /** Config-group selections, e.g. `{ model: "dbnet_r18_tiny", "hydra/launcher": "basic" }`. */
  choices: z.record(z.string(), z.string().nullable()),
  taskOverrides: z.array(z.string()),
});
export type HydraRuntime = z.infer<typeof HydraRuntime>;

const RawHydraYaml = z.looseObject({
  hydra: z
    .looseObject({
      mode: z.string().nullish(),
      job: z.looseObject({ name: z.string().nullish() }).nullish(),
      runtime: z
        .looseObject({
          version: z.unknown(),
          cwd: z.string().nullish(),
          output_dir: z.string().nullish(),
          choices: z.record(z.string(), z.unknown()).nullish(),
        })
        .nullish(),
      overrides: z.looseObject({ task: z.array(z.unknown()).nullish() }).nullish(),
    })
    .nullish(),
});

/** `.hydra/hydra.yaml` → job name, output dir, config-group choices, task overrides. */
export function parseHydraRuntime(text: string, file: string): Result<HydraRuntime, RunFileError> {
  const parsed = parseRunYaml(text, file);
  if (!parsed.success) return parsed;
  const raw = RawHydraYaml.safeParse(parsed.data ?? {});
  if (!raw.success) {
    const problem = `unexpected hydra.yaml shape: ${z.prettifyError(raw.error)}`;
    return fail(runFileError({ file, problem, hint: "pass the .hydra/hydra.yaml Hydra wrote" }));
  }
  const hydra = raw.data.hydra;
  const choices = Object.entries(hydra?.runtime?.choices ?? {}).map(([key, value]) => [
    key,
    value === null || value === undefined ? null : String(value),
  ]);
  const version = hydra?.runtime?.version;
  return ok({
    jobName: hydra?.job?.name ?? null,
    outputDir: hydra?.runtime?.output_dir ?? null,
    cwd: hydra?.runtime?.cwd ?? null,
    version: version === undefined || version === null ? null : String(version),
    mode: hydra?.mode ?? null,
    choices: Object.fromEntries(choices),
    taskOverrides: (hydra?.overrides?.task ?? []).map(String),
  });
}

/** `.hydra/overrides.yaml`: the command-line task overrides, e.g. `["+run=dev_cleval", "trainer.max_epochs=10"]`. */
export function parseHydraOverrides(text: string, file: string): Result<string[], RunFileError> {
  const parsed = parseRunYaml(text, file);
  if (!parsed.success) return parsed;
  if (parsed.data === null || parsed.data === undefined) return ok([]);
  if (Array.isArray(parsed.data)) return ok(parsed.data.map(String));
  return fail(
    runFileError({ file, problem: "not a YAML list", hint: "pass the .hydra/overrides.yaml Hydra wrote" }),
  );
}

/** Options for `configCandidatePaths`. */
export type ConfigCandidateOptions = {
  /** Posix path of the checkpoint file, or of an HF `checkpoint-N` directory (mark it with `isDirectory`). */
  readonly checkpointPath: string;
  /** @default false */
  readonly isDirectory?: boolean;
  /** How many directories above the checkpoint's directory to look at in all. @default 5 */
  readonly maxLevels?: number;
  /** Never look above this directory (the scan root). */
  readonly stopAt?: string;
};

const CHECKPOINT_SUFFIXES = [".pth.tar", ".safetensors", ".ckpt", ".pth", ".pt", ".bin"] as const;

function parentOf(path: string): string {
  const cut = path.replace(/\/+$/, "").lastIndexOf("/");
  return cut <= 0 ? (path.startsWith("/") ? "/" : ".") : path.slice(0, cut);
}

function joinPath(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

/** Ancestors of `dir`, nearest first, `levels + 1` at most, not above `stopAt`. */
function ancestors(dir: string, levels: number, stopAt: string | undefined): string[] {
  const found = [dir];
  const stop = stopAt?.replace(/\/+$/, "");
  for (let current = dir; found.length <= levels && current !== stop; ) {
    const parent = parentOf(current);
    if (parent === current) break;
    found.push(parent);
    current = parent;
  }
  return found;
}

/** The checkpoint's own sidecar configs: `<stem>.config.yaml`, then `<stem>.resolved.config.json`, beside it. */
export function ownConfigCandidatePaths(options: ConfigCandidateOptions): [string, string] {
  const path = options.checkpointPath.replace(/\/+$/, "");
  const name = path.slice(path.lastIndexOf("/") + 1);
  const suffix = options.isDirectory ? undefined : CHECKPOINT_SUFFIXES.find((ext) => name.endsWith(ext));
  const stem = suffix === undefined ? name : name.slice(0, -suffix.length);
  const dir = parentOf(path);
  return [joinPath(dir, `${stem}.config.yaml`), joinPath(dir, `${stem}.resolved.config.json`)];
}

/**
 * The configs of the checkpoint's directory and above, the same for every checkpoint there: `.hydra/config.yaml`
 * in the directory and up to two levels above it, then further up to `maxLevels` `.hydra/config.yaml` and a plain
 * `config.yaml`.
 */
export function sharedConfigCandidatePaths(options: ConfigCandidateOptions): string[] {
  const dir = parentOf(options.checkpointPath.replace(/\/+$/, ""));
  const levels = ancestors(dir, options.maxLevels ?? 5, options.stopAt);
  return [
    ...levels.slice(0, 3).map((level) => joinPath(level, ".hydra/config.yaml")),
    ...levels
      .slice(3)
      .flatMap((level) => [joinPath(level, ".hydra/config.yaml"), joinPath(level, "config.yaml")]),
  ];
}

/**
 * The predecessor's config search order as candidate paths (posix, nearest first; the caller keeps the ones that
 * exist): (1) sidecar configs beside the checkpoint, `<stem>.config.yaml` then `<stem>.resolved.config.json`;
 * (2) `.hydra/config.yaml` in the checkpoint's directory and up to two levels above it; (3) further parent
 * directories up to `maxLevels`: `.hydra/config.yaml`, then a plain `config.yaml`.
 * @example configCandidatePaths({ checkpointPath: "run/checkpoints/best.ckpt" })[0] // "run/checkpoints/best.config.yaml"
 */
export function configCandidatePaths(options: ConfigCandidateOptions): string[] {
  return [...ownConfigCandidatePaths(options), ...sharedConfigCandidatePaths(options)];
}
