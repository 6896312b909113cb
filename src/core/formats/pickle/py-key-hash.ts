// Python-equality hashing for dict keys and set items: equal hashable values get equal strings, everything
// else (lists, opaque objects) hashes by identity. Takes `unknown` so py-value.ts can use it without a cycle.

const identities = new WeakMap<object, string>();
const tupleHashes = new WeakMap<object, string>();
let nextIdentity = 0;

// Beyond this a tuple key hashes by identity, so crafted nested tuples cannot blow up time or memory.
const maxTupleHashLength = 4096;
const maxTupleDepth = 64;
const hexDigits = "0123456789abcdef";

function identityOf(value: object): string {
  let id = identities.get(value);
  if (id === undefined) {
    nextIdentity += 1;
    id = `o:${nextIdentity}`;
    identities.set(value, id);
  }
  return id;
}

function hexOf(data: Uint8Array): string {
  let out = "";
  for (const byte of data) out += (hexDigits[byte >> 4] ?? "") + (hexDigits[byte & 15] ?? "");
  return out;
}

function tupleHash(tuple: object, items: readonly unknown[], depth: number): string {
  const cached = tupleHashes.get(tuple);
  if (cached !== undefined) return cached;
  if (depth > maxTupleDepth) return identityOf(tuple);
  let out = "t(";
  for (const item of items) {
    const part = hashAt(item, depth + 1);
    out += `${part.length}:${part}`;
    if (out.length > maxTupleHashLength) {
      out = identityOf(tuple);
      break;
    }
  }
  if (!out.startsWith("o:")) out += ")";
  tupleHashes.set(tuple, out);
  return out;
}

/** The fields the hash reads from tagged values (structural, so this file needs no import from py-value.ts). */
interface HashableShape {
  readonly kind?: unknown;
  readonly items?: unknown;
  readonly module?: unknown;
  readonly name?: unknown;
  readonly mutable?: unknown;
  readonly data?: unknown;
}

function taggedHash(value: HashableShape, depth: number): string {
  switch (value.kind) {
    case "tuple":
      return Array.isArray(value.items) ? tupleHash(value, value.items, depth) : identityOf(value);
    case "global":
      return `g:${String(value.module)}.${String(value.name)}`;
    case "bytes":
      return value.data instanceof Uint8Array && value.mutable !== true
        ? `b:${hexOf(value.data)}`
        : identityOf(value);
    case "dtype":
      return `d:${String(value.name)}`;
    default:
      return identityOf(value);
  }
}

/** A string equal for Python-equal hashable values (`1 == 1.0 == True`), identity-based otherwise. */
export function keyHash(value: unknown): string {
  return hashAt(value, 0);
}

function hashAt(value: unknown, depth: number): string {
  switch (typeof value) {
    case "string":
      return `s:${value}`;
    case "number":
      return `n:${String(value)}`;
    case "bigint":
      return `n:${value.toString()}`;
    case "boolean":
      return value ? "n:1" : "n:0";
    case "object":
      if (value === null) return "N";
      if (Array.isArray(value)) return identityOf(value);
      return taggedHash(value as HashableShape, depth);
    default:
      return "N";
  }
}
