/** Small readers over untyped config values (hparams, Hydra configs, args) shared by the metadata extractors. */

export type PlainRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is PlainRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function recordAt(value: unknown, ...path: readonly string[]): PlainRecord | undefined {
  let current: unknown = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return isRecord(current) ? current : undefined;
}

export function stringAt(value: unknown, key: string): string | undefined {
  const found = isRecord(value) ? value[key] : undefined;
  return typeof found === "string" && found.trim() !== "" ? found : undefined;
}

export function booleanAt(value: unknown, key: string): boolean | undefined {
  const found = isRecord(value) ? value[key] : undefined;
  return typeof found === "boolean" ? found : undefined;
}

/** An integer, also from a bigint or an integral string such as `"3"` (Hydra overrides keep strings). */
export function integerAt(value: unknown, key: string): number | undefined {
  const found = isRecord(value) ? value[key] : undefined;
  if (typeof found === "bigint") return Number(found);
  if (typeof found === "number" && Number.isInteger(found)) return found;
  if (typeof found === "string" && /^-?\d+$/.test(found.trim())) return Number(found);
  return undefined;
}

/** A list of integers, or undefined when any item is not one. */
export function integerListAt(value: unknown, key: string): number[] | undefined {
  const found = isRecord(value) ? value[key] : undefined;
  if (!Array.isArray(found) || found.length === 0) return undefined;
  const numbers = found.map((item) => (typeof item === "bigint" ? Number(item) : item));
  return numbers.every((item) => typeof item === "number" && Number.isInteger(item))
    ? (numbers as number[])
    : undefined;
}

/** `pkg.module.ClassName` → `ClassName`; Hydra `_target_` names the class that was built. */
export function shortClassName(target: string): string {
  return target.slice(target.lastIndexOf(".") + 1);
}

const MAX_DEPTH = 8;

/**
 * Plain data a PyYAML reader gets back unchanged: bigints become numbers (or strings when too large), non-finite
 * numbers and anything that is not data become strings, depth is capped.
 */
export function toPlainData(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (depth >= MAX_DEPTH) return "…";
  if (Array.isArray(value)) return value.map((item) => toPlainData(item, depth + 1));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, toPlainData(item, depth + 1)]),
    );
  }
  return String(value);
}

/** The entries of `config` except `omit`, as plain data. */
export function paramsWithout(config: PlainRecord, omit: readonly string[]): PlainRecord {
  const kept = Object.entries(config).filter(([key]) => !omit.includes(key));
  return toPlainData(Object.fromEntries(kept)) as PlainRecord;
}
