import { parse } from "yaml";
import { assertNever } from "../assert-never.ts";
import { metricSortKey } from "../catalog/metric-sort-key.ts";
import { fail, ok, type Result } from "../result.ts";
import { didYouMean, nearestNames } from "../suggestions/nearest-names.ts";
import {
  emptyPolicy,
  hasKeepRule,
  parseCount,
  parseDuration,
  parseKeepEvery,
  type RetentionPolicy,
} from "./retention-policy.ts";

/** The keys of a standing policy (`ckpt watch --retain`, `retain:` in a root's `ckpt.yaml`). */
export const RETAIN_KEYS = ["best", "last", "every", "since", "metric", "delete-unranked"] as const;
type RetainKey = (typeof RETAIN_KEYS)[number];

/** The policy files a watched root may hold, the first found wins. */
export const POLICY_FILE_NAMES = [".ckpt.yaml", "ckpt.yaml"] as const;

function withValue(policy: RetentionPolicy, key: RetainKey, value: string): Result<RetentionPolicy, string> {
  const set = <T>(
    parsed: Result<T, string>,
    apply: (data: T) => RetentionPolicy,
  ): Result<RetentionPolicy, string> =>
    parsed.success ? ok(apply(parsed.data)) : fail(`${key}: ${parsed.error}`);
  switch (key) {
    case "best":
      return set(parseCount(value), (keepBest) => ({ ...policy, keepBest }));
    case "last":
      return set(parseCount(value), (keepLast) => ({ ...policy, keepLast }));
    case "every":
      return set(parseKeepEvery(value), (keepEvery) => ({ ...policy, keepEvery }));
    case "since":
      return set(parseDuration(value), (keepSinceMs) => ({ ...policy, keepSinceMs }));
    case "metric":
      return ok({ ...policy, metric: metricSortKey(value.trim()) });
    case "delete-unranked":
      return ok({ ...policy, deleteUnranked: value.trim() !== "false" });
    default:
      return assertNever(key);
  }
}

function fromPairs(pairs: readonly (readonly [string, string])[]): Result<RetentionPolicy, string> {
  // A standing policy prunes live runs: the newest checkpoint and unsettled ones stay, the run being active does not.
  let policy: RetentionPolicy = { ...emptyPolicy(), includeActive: true };
  for (const [name, value] of pairs) {
    const key = RETAIN_KEYS.find((known) => known === name.trim());
    if (key === undefined) {
      const hint = didYouMean(nearestNames(name.trim(), RETAIN_KEYS));
      return fail(
        `unknown key '${name.trim()}'; use ${RETAIN_KEYS.join(", ")}.${hint === "" ? "" : ` ${hint}`}`,
      );
    }
    const next = withValue(policy, key, value);
    if (!next.success) return next;
    policy = next.data;
  }
  return hasKeepRule(policy)
    ? ok(policy)
    : fail("no rule says what to keep: give best, last, every or since");
}

/**
 * `best=3,last=2,every=10` (also `every=5epochs`, `since=7d`, `metric=hmean`) as a policy that keeps runs being
 * written within bounds: `includeActive` is on, since a watched run is always active.
 * @example parseRetainSpec("best=3,last=2") → ok({ keepBest: 3, keepLast: 2, includeActive: true, … })
 */
export function parseRetainSpec(text: string): Result<RetentionPolicy, string> {
  const items = text.split(",").filter((item) => item.trim() !== "");
  const pairs: [string, string][] = [];
  for (const item of items) {
    const at = item.indexOf("=");
    if (at < 0) return fail(`'${item.trim()}' is not key=value (as in best=3,last=2,every=10)`);
    pairs.push([item.slice(0, at), item.slice(at + 1)]);
  }
  return fromPairs(pairs);
}

export type PolicyFile = { readonly policy: RetentionPolicy; readonly dryRun: boolean };

/**
 * A root's `ckpt.yaml`: `retain:` as a mapping (`best: 3`, `last: 2`, `every: 10`, `dry_run: true`) or as the
 * `--retain` text; null when the file says nothing about retention.
 */
export function parsePolicyFile(text: string, file: string): Result<PolicyFile | null, string> {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return fail(
      `${file}: not YAML (${error instanceof Error ? error.message : String(error)}); fix or remove it`,
    );
  }
  const retain =
    typeof document === "object" && document !== null
      ? (document as Record<string, unknown>)["retain"]
      : undefined;
  if (retain === undefined || retain === null) return ok(null);
  if (typeof retain === "string") {
    const parsed = parseRetainSpec(retain);
    return parsed.success
      ? ok({ policy: parsed.data, dryRun: false })
      : fail(`${file}: retain: ${parsed.error}`);
  }
  if (typeof retain !== "object" || Array.isArray(retain))
    return fail(`${file}: retain: must be a mapping such as {best: 3, last: 2}`);
  const entries = Object.entries(retain as Record<string, unknown>);
  const dryRun = entries.some(([key, value]) => key === "dry_run" && value === true);
  const pairs = entries
    .filter(([key]) => key !== "dry_run")
    .map(([key, value]) => [key, String(value)] as const);
  const parsed = fromPairs(pairs);
  return parsed.success ? ok({ policy: parsed.data, dryRun }) : fail(`${file}: retain: ${parsed.error}`);
}
