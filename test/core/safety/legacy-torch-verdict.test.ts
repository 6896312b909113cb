import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { buildCheckpointReport } from "../../../src/core/checkpoint/build-checkpoint-report.ts";
import { scanPickleGlobals } from "../../../src/core/safety/pickle-global-scan.ts";
import { binUnicode, global, pk } from "../../helpers/pickle-bytes.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";

// The real legacy file (torch < 1.6 format) with one of its five pickles swapped for a forged one.
const legacy = new Uint8Array(
  await Bun.file(join(realFixtureRoot, "torch/legacy_format_checkpoint.pth")).arrayBuffer(),
);
const pickles = scanPickleGlobals(legacy, { maxPickles: 5 }).pickles;
const PATH = "old/model.pth";

function withPickle(index: number, replacement: Uint8Array): Uint8Array {
  const span = pickles[index];
  if (span === undefined) throw new Error(`the legacy fixture has no pickle ${index}`);
  const out = new Uint8Array(legacy.length - (span.end - span.start) + replacement.length);
  out.set(legacy.subarray(0, span.start));
  out.set(replacement, span.start);
  out.set(legacy.subarray(span.end), span.start + replacement.length);
  return out;
}

const systemCall = pk(0x80, 2, global("posix", "system"), binUnicode("echo pwned-legacy"), 0x85, "R", ".");

function summary(bytes: Uint8Array) {
  const report = buildCheckpointReport(bytesSource(bytes), { path: PATH });
  return { status: report.status, code: report.error?.code, safety: report.safety };
}

describe("every one of the five legacy pickles gets a verdict", () => {
  test("the real legacy file is safe", () => {
    expect(summary(legacy)).toEqual({
      status: "ok",
      code: undefined,
      safety: { status: "safe", dangerous: [], unknown: [], notes: [] },
    });
  });

  test.each([
    [1, "the protocol-version pickle (2 of 5)"],
    [2, "the sys_info pickle (3 of 5)"],
    [4, "the storage-keys pickle (5 of 5)"],
  ] as const)("a system call in pickle %i is unsafe and located", (index, where) => {
    const result = summary(withPickle(index, systemCall));
    expect(result).toEqual({
      status: "unsafe",
      code: "dangerous-globals",
      safety: {
        status: "unsafe",
        dangerous: ["posix.system"],
        unknown: [],
        notes: [`${where} references posix.system; torch writes only plain values there`],
      },
    });
  });

  test("a system call in the main pickle is unsafe", () => {
    const main = pk(
      0x80,
      2,
      "}",
      binUnicode("epoch"),
      global("posix", "system"),
      binUnicode("x"),
      0x85,
      "R",
      "s.",
    );
    expect(summary(withPickle(3, main))).toMatchObject({
      status: "unsafe",
      code: "dangerous-globals",
      safety: { status: "unsafe", dangerous: ["posix.system"] },
    });
  });
});

describe("a damaged legacy header says which pickle, what it holds and what to do", () => {
  test.each([
    ["a dict", pk(0x80, 2, "}", "."), "safe"],
    ["1002", pk(0x80, 2, 0x4d, 0xea, 0x03, "."), "safe"],
    ["a call to fixture_models.Thing", pk(0x80, 2, global("fixture_models", "Thing"), ")R."), "unknown"],
  ] as const)("protocol-version pickle holding %s → corrupt", (what, forged, safety) => {
    const report = buildCheckpointReport(bytesSource(withPickle(1, forged)), { path: PATH });
    expect({ status: report.status, code: report.error?.code, safety: report.safety?.status }).toEqual({
      status: "corrupt",
      code: "legacy-corrupt",
      safety,
    });
    expect(report.error?.message).toBe(
      `${PATH}: the protocol-version pickle (2 of 5) holds ${what} where torch writes 1001; the file is damaged or was not written by torch.save (re-save or re-download the checkpoint)`,
    );
  });
});
