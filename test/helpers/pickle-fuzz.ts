// Fuzzing the pickle interpreter: seeded mutations of real pickles plus random opcode streams.
import { interpretPickle } from "../../src/core/formats/pickle/pickle-interpreter.ts";
import { opcodeByByte, type PickleArgType } from "../../src/core/formats/pickle/pickle-opcodes.ts";
import { PlainBudget, toPlainJson } from "../../src/core/formats/pickle/to-plain-json.ts";
import { scanPickleGlobals } from "../../src/core/safety/pickle-global-scan.ts";
import { assessPickleSafety } from "../../src/core/safety/pickle-safety.ts";

/** mulberry32: small, fast, seedable. */
export function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FuzzKind = "flip" | "truncate" | "splice" | "random";
export interface FuzzCase {
  readonly index: number;
  readonly kind: FuzzKind;
  readonly bytes: Uint8Array;
}

const opcodes = opcodeByByte.filter((op) => op !== undefined);

function argBytes(type: PickleArgType, random: () => number): number[] {
  const small = () => Math.floor(random() * 4);
  const text = () => [..."0123abc\\'\"x"].slice(0, small() + 1).map((c) => c.charCodeAt(0));
  switch (type) {
    case "none":
      return [];
    case "uint1":
    case "long1":
    case "string1":
    case "unicodestring1":
    case "bytes1":
      return [small(), ...text()];
    case "uint2":
      return [small(), 0];
    case "int4":
    case "uint4":
    case "string4":
    case "unicodestring4":
    case "bytes4":
    case "long4":
      return [small(), 0, 0, random() < 0.05 ? 0xff : 0, ...text()];
    case "uint8":
    case "float8":
    case "unicodestring8":
    case "bytes8":
    case "bytearray8":
      return [small(), 0, 0, 0, 0, 0, 0, random() < 0.05 ? 0x7f : 0, ...text()];
    default:
      return [...text(), 10, ...(type === "stringnl_noescape_pair" ? [...text(), 10] : [])];
  }
}

function randomStream(random: () => number): Uint8Array {
  const out: number[] = random() < 0.7 ? [0x80, Math.floor(random() * 6)] : [];
  const length = 1 + Math.floor(random() * 60);
  for (let i = 0; i < length; i++) {
    const op = opcodes[Math.floor(random() * opcodes.length)];
    if (!op || (op.name === "STOP" && random() < 0.8)) continue;
    out.push(op.code, ...argBytes(op.arg, random));
  }
  out.push(0x2e);
  return Uint8Array.from(out);
}

/** The `index`-th case of a run: deterministic for (seed, index). */
export function makeFuzzCase(seeds: readonly Uint8Array[], seed: number, index: number): FuzzCase {
  const random = makeRandom(seed * 1_000_003 + index);
  const kinds: FuzzKind[] = ["flip", "truncate", "splice", "random"];
  const kind = kinds[index % kinds.length] ?? "random";
  const source = seeds[Math.floor(random() * seeds.length)] ?? new Uint8Array(0);
  if (kind === "random" || source.length === 0) return { index, kind: "random", bytes: randomStream(random) };
  if (kind === "truncate")
    return { index, kind, bytes: source.slice(0, Math.floor(random() * source.length)) };
  const bytes = Array.from(source);
  const edits = 1 + Math.floor(random() * 8);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * bytes.length);
    if (kind === "flip") bytes[at] = Math.floor(random() * 256);
    else bytes.splice(at, 0, ...randomStream(random).slice(0, -1));
  }
  return { index, kind, bytes: Uint8Array.from(bytes) };
}

export interface FuzzOutcome {
  readonly ok: boolean;
  readonly errorCode: string | undefined;
  readonly threw: string | undefined;
  readonly ms: number;
}

/** Runs everything a reader does with untrusted bytes; any exception is a finding. */
export function runFuzzCase(bytes: Uint8Array, now: () => number): FuzzOutcome {
  const start = now();
  try {
    const result = interpretPickle(bytes, { limits: { maxTotalBytes: 64 * 1024 * 1024 } });
    if (result.success) toPlainJson(result.data.value, { budget: new PlainBudget(1024 * 1024) });
    assessPickleSafety(scanPickleGlobals(bytes), result.success ? result.data.notes : []);
    return {
      ok: result.success,
      errorCode: result.success ? undefined : result.error.code,
      threw: undefined,
      ms: now() - start,
    };
  } catch (cause) {
    return { ok: false, errorCode: undefined, threw: String(cause), ms: now() - start };
  }
}
