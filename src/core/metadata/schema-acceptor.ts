import type { z } from "zod";

/**
 * A quick "zod would accept this, for certain" derived from a zod schema, for values ckpt built itself (the
 * assembled metadata, the reader's report): zod's `safeParse` copies the whole object to answer, a tenth of a cold
 * scan's CPU. The acceptor only reads. It understands the few schema kinds below and answers false for anything
 * else (a transform, a refinement, a check it does not know, an unknown key of a strict shape): false means
 * "unsure", and the caller asks zod. So it can never accept what zod rejects; it can only send more work to zod.
 */
export type Acceptor = (value: unknown) => boolean;

/** The parts of zod's `_zod.def` read here; each is present on the schema kinds that use it. */
type Def = {
  readonly type: string;
  readonly format?: unknown;
  readonly check?: unknown;
  readonly checks?: unknown;
  readonly pattern?: unknown;
  readonly shape?: unknown;
  readonly catchall?: unknown;
  readonly keyType?: unknown;
  readonly valueType?: unknown;
  readonly innerType?: unknown;
  readonly entries?: unknown;
  readonly element?: unknown;
  readonly options?: unknown;
  readonly fn?: unknown;
};

const never: Acceptor = () => false;

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

type NumberCheck = { readonly check: string; readonly value?: unknown; readonly inclusive?: unknown };

function boundAcceptor(check: NumberCheck): Acceptor | null {
  const { value, inclusive } = check;
  if (typeof value !== "number" || typeof inclusive !== "boolean") return null;
  if (check.check === "greater_than")
    return inclusive ? (input) => (input as number) >= value : (input) => (input as number) > value;
  if (check.check === "less_than")
    return inclusive ? (input) => (input as number) <= value : (input) => (input as number) < value;
  return null;
}

function numberAcceptor(def: Def): Acceptor {
  const base: Acceptor =
    def.format === "safeint"
      ? (value) => Number.isSafeInteger(value)
      : def.format === undefined
        ? (value) => typeof value === "number" && Number.isFinite(value)
        : never;
  const checks = ((def.checks as readonly { _zod: { def: NumberCheck } }[] | undefined) ?? []).map((check) =>
    boundAcceptor(check._zod.def),
  );
  if (checks.some((check) => check === null)) return never;
  const bounds = checks as Acceptor[];
  return (value) => base(value) && bounds.every((bound) => bound(value));
}

function stringAcceptor(def: Def): Acceptor {
  const checks = (def.checks as readonly unknown[] | undefined) ?? [];
  if (checks.length > 0) return never;
  if (def.check === undefined) return (value) => typeof value === "string";
  const pattern = def.pattern;
  if (def.check !== "string_format" || !(pattern instanceof RegExp)) return never;
  return (value) => typeof value === "string" && pattern.test(value);
}

function objectAcceptor(def: Def): Acceptor {
  const shape = def.shape as Record<string, unknown>;
  const fields = Object.entries(shape).map(([key, field]) => [key, acceptorFor(field)] as const);
  const known = new Set(Object.keys(shape));
  // No catch-all: unknown keys are stripped from zod's output (or rejected by a strict object): unsure.
  const extrasAllowed = def.catchall !== undefined && defOf(def.catchall).type === "unknown";
  return (value) => {
    if (!isPlainRecord(value)) return false;
    for (const [key, accepts] of fields) if (!accepts(value[key])) return false;
    if (extrasAllowed) return true;
    for (const key in value) if (!known.has(key)) return false;
    return true;
  };
}

function recordAcceptor(def: Def): Acceptor {
  const key = defOf(def.keyType);
  if (key.type !== "string" || key.check !== undefined || ((key.checks as unknown[]) ?? []).length > 0)
    return never;
  const accepts = acceptorFor(def.valueType);
  return (value) => {
    if (!isPlainRecord(value)) return false;
    for (const entry in value) if (!accepts(value[entry])) return false;
    return true;
  };
}

function wrapperAcceptor(def: Def): Acceptor {
  const inner = acceptorFor(def.innerType);
  switch (def.type) {
    case "optional":
      return (value) => value === undefined || inner(value);
    case "nullable":
      return (value) => value === null || inner(value);
    // A value the inner schema accepts is never caught: zod's output is the value itself.
    case "catch":
      return inner;
    default:
      return never;
  }
}

function enumAcceptor(def: Def): Acceptor {
  const values = new Set(Object.values(def.entries as Record<string, unknown>));
  return (value) => values.has(value);
}

function arrayAcceptor(def: Def): Acceptor {
  if (((def.checks as unknown[] | undefined) ?? []).length > 0) return never;
  const accepts = acceptorFor(def.element);
  return (value) => Array.isArray(value) && value.every((item) => accepts(item));
}

function unionAcceptor(def: Def): Acceptor {
  const options = (def.options as readonly unknown[]).map(acceptorFor);
  return (value) => options.some((accepts) => accepts(value));
}

function acceptorFor(schema: unknown): Acceptor {
  const def = defOf(schema);
  // A refinement (`.refine`, `.check`) on any kind but a number's known bounds: unsure.
  if (def.type !== "number" && Array.isArray(def.checks) && def.checks.length > 0) return never;
  switch (def.type) {
    case "object":
      return objectAcceptor(def);
    case "record":
      return recordAcceptor(def);
    case "array":
      return arrayAcceptor(def);
    case "string":
      return stringAcceptor(def);
    case "number":
      return numberAcceptor(def);
    case "boolean":
      return (value) => typeof value === "boolean";
    case "enum":
      return enumAcceptor(def);
    case "union":
      return unionAcceptor(def);
    case "unknown":
      return () => true;
    // `z.custom(fn)`: zod accepts what `fn` calls truthy; true alone here.
    case "custom": {
      const fn = def.fn;
      return typeof fn === "function" ? (value) => fn(value) === true : never;
    }
    case "optional":
    case "nullable":
    case "catch":
      return wrapperAcceptor(def);
    default:
      return never;
  }
}

/** The acceptor of a zod schema; build it once per schema (module level), it is a tree of closures. */
export function schemaAcceptor(schema: z.ZodType): Acceptor {
  return acceptorFor(schema);
}
