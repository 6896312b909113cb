import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import type { PickleInterpretation } from "../../../src/core/formats/pickle/pickle-interpreter.ts";
import { interpretPickle } from "../../../src/core/formats/pickle/pickle-interpreter.ts";
import { readTorchZipCheckpoint } from "../../../src/core/formats/torch-checkpoint.ts";
import { scanFromInterpretations } from "../../../src/core/safety/interpreted-pickles-scan.ts";
import { type GlobalScan, scanPickleGlobals } from "../../../src/core/safety/pickle-global-scan.ts";
import { binUnicode, global, pk } from "../../helpers/pickle-bytes.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { torchZipOfPickle } from "../../helpers/synthetic-checkpoints.ts";

const legacy = new Uint8Array(
  await Bun.file(join(realFixtureRoot, "torch/legacy_format_checkpoint.pth")).arrayBuffer(),
);

/** Interprets `count` pickles back to back from the start of `bytes`. */
function interpretAll(bytes: Uint8Array, count: number): PickleInterpretation[] {
  const out: PickleInterpretation[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const read = interpretPickle(bytes, { offset });
    if (!read.success) throw new Error(`pickle ${i}: ${read.error.message}`);
    out.push(read.data);
    offset = read.data.endOffset;
  }
  return out;
}

const call = (module: string, name: string) =>
  pk(0x80, 2, "}", binUnicode("k"), global(module, name), binUnicode("x"), 0x85, "R", "s.");

describe("the scan taken from interpretations is the static walk's, or nothing", () => {
  test("the real legacy file's five pickles: the same scan as the static walk", () => {
    const fromInterpretation = scanFromInterpretations(interpretAll(legacy, 5));
    expect(fromInterpretation).toEqual(scanPickleGlobals(legacy, { maxPickles: 5 }));
    expect(fromInterpretation?.names.length).toBeGreaterThan(0);
  });

  test("pickles back to back naming globals: the same scan, offsets and spans included", () => {
    const bytes = pk(call("posix", "system"), call("collections", "OrderedDict"), call("posix", "system"));
    expect(scanFromInterpretations(interpretAll(bytes, 3))).toEqual(scanPickleGlobals(bytes));
  });

  test.each([
    ["getattr (its call sites are the walk's to judge)", call("builtins", "getattr")],
    [
      "STACK_GLOBAL (literal operands are the walk's to judge)",
      pk(0x80, 4, binUnicode("posix"), binUnicode("system"), 0x93, "."),
    ],
    ["PROTO not first", pk("}", 0x80, 2, ".")],
    ["PERSID", pk("P", "0\n", ".")],
  ])("%s → undefined", (_, bytes) => {
    expect(scanFromInterpretations(interpretAll(bytes, 1))).toBeUndefined();
  });
});

describe("a zip's data.pkl: the scan taken from its interpretation equals the static walk's", () => {
  test.each([
    ["a text PERSID", pk(0x80, 2, "}", binUnicode("k"), "P", "0\n", "s.")],
    [
      "a BINPERSID of a non-storage tuple",
      pk(0x80, 2, "}", binUnicode("k"), binUnicode("x"), 0x85, "Q", "s."),
    ],
    ["a plain dict", pk(0x80, 2, "}", binUnicode("k"), "K", 1, "s.")],
  ])("%s", (_, bytes) => {
    const read = readTorchZipCheckpoint(bytesSource(torchZipOfPickle(bytes)));
    if (!read.success) throw new Error(read.error.message);
    // What the verdict is made of (`callSitesChecked` says only whether the walk looked for getattr call sites).
    const verdict = ({ globals, names, findings }: GlobalScan) => ({ globals, names, findings });
    expect(verdict(read.data.scan)).toEqual(verdict(scanPickleGlobals(bytes)));
  });
});
