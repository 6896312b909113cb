// Fuzzing the whole checkpoint reader: seeded mutations and truncations of real checkpoint files.
import { bytesSource } from "../../src/core/bytes/byte-source.ts";
import { buildCheckpointReport } from "../../src/core/checkpoint/build-checkpoint-report.ts";
import { makeRandom } from "./pickle-fuzz.ts";

export type ReaderFuzzKind = "flip-head" | "flip-tail" | "truncate" | "zero-range";

export interface ReaderFuzzCase {
  readonly index: number;
  readonly seedName: string;
  readonly kind: ReaderFuzzKind;
  readonly bytes: Uint8Array;
}

const KINDS: readonly ReaderFuzzKind[] = ["flip-head", "flip-tail", "truncate", "zero-range"];

/**
 * The `index`-th case for `(seed, index)`: flips in the first 32 KiB (local headers, data.pkl, legacy pickles),
 * flips in the last 4 KiB (central directory, end records), a truncation, or a zeroed range.
 */
export function makeReaderFuzzCase(
  seeds: ReadonlyArray<{ name: string; bytes: Uint8Array }>,
  seed: number,
  index: number,
): ReaderFuzzCase {
  const random = makeRandom(seed * 7_919 + index);
  const kind = KINDS[index % KINDS.length] ?? "truncate";
  const source = seeds[Math.floor(random() * seeds.length)] ?? { name: "empty", bytes: new Uint8Array(0) };
  const { length } = source.bytes;
  if (kind === "truncate")
    return {
      index,
      seedName: source.name,
      kind,
      bytes: source.bytes.slice(0, Math.floor(random() * length)),
    };
  const bytes = source.bytes.slice();
  if (kind === "zero-range") {
    const at = Math.floor(random() * length);
    bytes.fill(0, at, at + 1 + Math.floor(random() * 256));
    return { index, seedName: source.name, kind, bytes };
  }
  const [start, span] =
    kind === "flip-head" ? [0, Math.min(length, 32_768)] : [Math.max(0, length - 4096), 4096];
  const edits = 1 + Math.floor(random() * 6);
  for (let i = 0; i < edits; i++) bytes[start + Math.floor(random() * span)] = Math.floor(random() * 256);
  return { index, seedName: source.name, kind, bytes };
}

export interface ReaderFuzzOutcome {
  readonly status: string;
  readonly code: string | undefined;
  readonly threw: string | undefined;
  readonly ms: number;
}

/** Reads one case; an exception or an `internal` error code is a finding. */
export function runReaderFuzzCase(bytes: Uint8Array, now: () => number): ReaderFuzzOutcome {
  const start = now();
  try {
    const report = buildCheckpointReport(bytesSource(bytes), { path: "fuzz.ckpt" });
    JSON.stringify(report);
    return { status: report.status, code: report.error?.code, threw: undefined, ms: now() - start };
  } catch (cause) {
    return { status: "threw", code: undefined, threw: String(cause), ms: now() - start };
  }
}
