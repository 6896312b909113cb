import type { CheckpointReport, Framework } from "../checkpoint/checkpoint-report.ts";
import { PyDict } from "../formats/pickle/py-dict.ts";
import { pyStr } from "../formats/pickle/py-str.ts";
import { globalName, isTagged, type PyValue } from "../formats/pickle/py-value.ts";
import type { PlainBudget, PlainJson } from "../formats/pickle/to-plain-json.ts";

/** What a recognizer sees: the interpreted main object and converters that can read 0-d tensors. */
export type FrameworkInput = {
  readonly root: PyValue;
  /** `toPlainJson` with 0-d tensors resolved; every call of one file draws on one `budget`. */
  readonly plain: (value: PyValue) => PlainJson;
  /** What the `plain` calls of this file emitted and cut, for the report's note. */
  readonly budget: PlainBudget;
  /** A Python number, 0-d tensor or numpy scalar as a number; null for None; undefined otherwise. */
  readonly scalar: (value: PyValue | undefined) => number | null | undefined;
};

/** The report fields a recognizer fills in. */
export type FrameworkFacts = Partial<
  Omit<CheckpointReport, "path" | "status" | "error" | "container" | "size_bytes" | "bytes_read">
>;

/** A recognizer's verdict: which framework, how sure (0–1), and the facts it read. */
export type Recognition = {
  readonly framework: Framework;
  readonly confidence: number;
  readonly facts: FrameworkFacts;
};

export type Recognizer = (input: FrameworkInput) => Recognition | undefined;

/** Top-level dict value by string key. */
export function field(root: PyValue, key: string): PyValue | undefined {
  return root instanceof PyDict ? root.get(key) : undefined;
}

export function stringKeys(value: PyValue | undefined): string[] {
  return value instanceof PyDict ? value.keys().map((key) => pyStr(key)) : [];
}

export function asString(value: PyValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function asInt(value: PyValue | undefined): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "bigint" && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return undefined;
}

/** The plain form of a dict-like value as a JSON object, or undefined when it is not one. */
export function plainRecord(
  input: FrameworkInput,
  value: PyValue | undefined,
): Record<string, PlainJson> | undefined {
  if (value === undefined) return undefined;
  const plain = input.plain(value);
  return typeof plain === "object" && plain !== null && !Array.isArray(plain) ? plain : undefined;
}

/** `<class 'mod.Name'>` of an object's class, as `str(type(x))`. */
export function classString(input: FrameworkInput, value: PyValue | undefined): string | undefined {
  if (!isTagged(value) || value.kind !== "object") return undefined;
  const plain = input.plain(value.class);
  return typeof plain === "string" ? plain : undefined;
}

/** `module.Name` of an object's class (or of a dict subclass). */
export function typeName(value: PyValue | undefined): string | undefined {
  if (value instanceof PyDict) return value.className ?? "builtins.dict";
  if (isTagged(value) && (value.kind === "object" || value.kind === "reduce"))
    return globalName(value.kind === "object" ? value.class : value.callable);
  if (Array.isArray(value)) return "builtins.list";
  return undefined;
}
