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

// An optimizer's `state` is keyed 0…N in every checkpoint: those keys' hashes are made once per process (the same
// text as `n:${String(value)}`, with its own hash already computed), not a new string per key per file.
const SMALL_INT_HASHES = 1 << 16;
const smallIntHashes: Array<string | undefined> = [];

function smallIntHash(value: number): string {
  // Grown in order with holes filled by undefined, so the array stays dense; each text is made when first asked.
  while (smallIntHashes.length <= value) smallIntHashes.push(undefined);
  const known = smallIntHashes[value];
  if (known !== undefined) return known;
  const hash = `n:${value}`;
  smallIntHashes[value] = hash;
  return hash;
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
      return Number.isInteger(value) && value >= 0 && value < SMALL_INT_HASHES
        ? smallIntHash(value)
        : `n:${String(value)}`;
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
