import { AppError } from "../core/errors/app-error.ts";
import type { Result } from "../core/result.ts";
import {
  emptyPolicy,
  hasKeepRule,
  parseCount,
  parseDuration,
  parseKeepEvery,
  type RetentionPolicy,
} from "../core/retention/retention-policy.ts";

/** The policy flags `ckpt prune` takes (`--metric` is resolved against the catalog by the command). */
export const RETENTION_FLAGS = {
  "keep-best": { type: "string" },
  "keep-last": { type: "string" },
  "keep-every": { type: "string" },
  "keep-since": { type: "string" },
  metric: { type: "string" },
  "delete-unranked": { type: "boolean", default: false },
  "include-active": { type: "boolean", default: false },
  active: { type: "string" },
} as const;

export const RETENTION_USAGE = `Policy (a checkpoint stays when any rule keeps it; at least one --keep-* is needed):
  --keep-best K       the K best of each run by its primary metric, in its direction (the 'ckpt best' rule)
  --keep-last N       the N newest of each run (by step, then epoch, then mtime)
  --keep-every N      every checkpoint whose step is a multiple of N (5epochs: whose epoch is)
  --keep-since D      checkpoints modified within D (30m, 12h, 7d, 2w)
  --metric NAME       rank --keep-best by this metric instead ('--metric help' lists them)
  --delete-unranked   let --keep-best delete checkpoints without a value for the metric (kept by default)
  --include-active    prune runs that are active too (by default they are left alone)
  --active D          a run is active when a checkpoint or log file of it changed within D (default 10m)

Always kept: the newest complete checkpoint of each run; what a pointer names (a last.ckpt link, DeepSpeed
'latest', Megatron's tracker, HF's best_model_checkpoint); checkpoints not read whole (incomplete, corrupt).`;

type RetentionValues = {
  readonly "keep-best"?: string | undefined;
  readonly "keep-last"?: string | undefined;
  readonly "keep-every"?: string | undefined;
  readonly "keep-since"?: string | undefined;
  readonly "delete-unranked"?: boolean | undefined;
  readonly "include-active"?: boolean | undefined;
  readonly active?: string | undefined;
};

function parsedFlag<T>(
  command: string,
  flag: string,
  text: string | undefined,
  parse: (text: string) => Result<T, string>,
): T | null {
  if (text === undefined) return null;
  const parsed = parse(text);
  if (!parsed.success) throw new AppError("usage", `${command}: --${flag} ${parsed.error}`);
  return parsed.data;
}

/** The policy the flags say; `metric` is the catalog key `--metric` resolved to. A policy with no rule is refused. */
export function policyFromFlags(
  command: string,
  values: RetentionValues,
  metric: string | null,
): RetentionPolicy {
  const policy: RetentionPolicy = {
    ...emptyPolicy(),
    keepBest: parsedFlag(command, "keep-best", values["keep-best"], parseCount),
    keepLast: parsedFlag(command, "keep-last", values["keep-last"], parseCount),
    keepEvery: parsedFlag(command, "keep-every", values["keep-every"], parseKeepEvery),
    keepSinceMs: parsedFlag(command, "keep-since", values["keep-since"], parseDuration),
    metric,
    deleteUnranked: values["delete-unranked"] === true,
    includeActive: values["include-active"] === true,
    activeWindowMs:
      parsedFlag(command, "active", values.active, parseDuration) ?? emptyPolicy().activeWindowMs,
  };
  if (!hasKeepRule(policy))
    throw new AppError(
      "usage",
      `${command}: no rule says what to keep; pass --keep-best K, --keep-last N, --keep-every N or --keep-since D. Run 'ckpt ${command} --help' for the options.`,
    );
  return policy;
}
