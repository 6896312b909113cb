import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { buildCheckpointReport } from "../../../src/core/checkpoint/build-checkpoint-report.ts";
import { scanPickleGlobals } from "../../../src/core/safety/pickle-global-scan.ts";
import { assessPickleSafety } from "../../../src/core/safety/pickle-safety.ts";
import { binUnicode, global, type PicklePart, pk, shortUnicode } from "../../helpers/pickle-bytes.ts";
import { readTruth } from "../../helpers/read-truth.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";

const fixtures = join(import.meta.dir, "../../fixtures");
const ENUM = global("deepspeed.runtime.zero.config", "ZeroStageEnum");
const ENUM_NAME = "deepspeed.runtime.zero.config.ZeroStageEnum";
const GETATTR = global("__builtin__", "getattr");

/** A protocol-2 pickle whose value is the list of `items`: EMPTY_LIST, MARK, items, APPENDS, STOP. */
const listOf = (...items: PicklePart[]) => pk(0x80, 2, "]", "(", ...items, "e", ".");
/** `callable(a, b)`: TUPLE2 + REDUCE. */
const call2 = (callable: PicklePart, a: PicklePart, b: PicklePart): PicklePart => [callable, a, b, 0x86, "R"];

function verdict(bytes: Uint8Array) {
  const report = assessPickleSafety(scanPickleGlobals(bytes));
  return { status: report.status, dangerous: report.dangerous };
}

async function reportOf(path: string, name: string) {
  const bytes = new Uint8Array(await Bun.file(path).arrayBuffer());
  return buildCheckpointReport(bytesSource(bytes), { path: name });
}

describe("getattr on real files", () => {
  test("getattr_os_system.pt: the memoized getattr reused on subprocess.os is unsafe and named", async () => {
    const name = "broken/getattr_os_system.pt";
    const truth = await readTruth(join(realFixtureRoot, `${name}.truth.json`));
    const report = await reportOf(join(realFixtureRoot, name), name);
    expect({ status: report.status, code: report.error?.code, dangerous: report.safety?.dangerous }).toEqual({
      status: "unsafe",
      code: "dangerous-globals",
      dangerous: truth["dangerous_globals"] as string[],
    });
    expect(report.error?.message).toContain("getattr(subprocess.os, 'system')");
  });

  test.each([
    ["deepspeed/zero1_bf16/global_step3/bf16_zero_pp_rank_0_mp_rank_00_optim_states.pt"],
    ["dcp/single_nodist/.metadata"],
  ])("%s: the enum form of getattr is safe", async (name) => {
    const report = await reportOf(join(fixtures, "safety", name), name);
    expect(report.safety).toEqual({ status: "safe", dangerous: [], unknown: [], notes: [] });
  });
});

describe("getattr is judged at each call site, memo reuse included", () => {
  test.each([
    [
      "the enum form, getattr memoized (BINPUT) and reused (BINGET)",
      listOf(
        call2([GETATTR, "q", 1], ENUM, binUnicode("gradients")),
        call2(["h", 1], ENUM, binUnicode("optimizer_states")),
      ),
      { status: "safe", dangerous: [] },
    ],
    [
      "the enum form through STACK_GLOBAL with memoized strings (protocol 4, as DCP writes it)",
      pk(
        0x80,
        4,
        ...[shortUnicode("builtins"), 0x94, shortUnicode("getattr"), 0x94, 0x93, 0x94],
        ...[shortUnicode("deepspeed.runtime.zero.config"), 0x94, shortUnicode("ZeroStageEnum"), 0x94, 0x93],
        ...[0x94, shortUnicode("gradients"), 0x94, 0x86, 0x94, "R", 0x94, "0"],
        ...["h", 2, "h", 3, "h", 4, 0x93, shortUnicode("optimizer_states"), 0x86, "R", "."],
      ),
      { status: "safe", dangerous: [] },
    ],
    [
      "getattr memoized, then never called",
      listOf(GETATTR, "q", 1, "0", binUnicode("x")),
      { status: "safe", dangerous: [] },
    ],
    [
      "benign once, then reused on subprocess.os (the fixture's shape)",
      listOf(call2([GETATTR, "q", 1], ENUM, binUnicode("gradients")), [
        call2(["h", 1], global("subprocess", "os"), binUnicode("system")),
        binUnicode("echo pwned"),
        0x85,
        "R",
      ]),
      { status: "unsafe", dangerous: ["subprocess.os", "getattr(subprocess.os, 'system')"] },
    ],
    [
      "a class that is not an allow-listed enum",
      listOf(call2(GETATTR, global("argparse", "Namespace"), binUnicode("x"))),
      { status: "unsafe", dangerous: ["getattr(argparse.Namespace, 'x')"] },
    ],
    [
      "an attribute name built by another callable",
      listOf(call2(GETATTR, ENUM, [global("__builtin__", "str"), binUnicode("gradients"), 0x85, "R"])),
      { status: "unsafe", dangerous: [`getattr(${ENUM_NAME}, __builtin__.str(…))`] },
    ],
    [
      "a target built by another callable",
      listOf(call2(GETATTR, [global("collections", "OrderedDict"), ")R"], binUnicode("x"))),
      { status: "unsafe", dangerous: ["getattr(collections.OrderedDict(…), 'x')"] },
    ],
    [
      "the argument tuple built by another callable",
      listOf(
        GETATTR,
        global("__builtin__", "tuple"),
        "]",
        "(",
        ENUM,
        binUnicode("gradients"),
        "e",
        0x85,
        "R",
        "R",
      ),
      { status: "unsafe", dangerous: ["getattr(*__builtin__.tuple(…))"] },
    ],
    [
      "a dunder attribute of an allow-listed enum",
      listOf(call2(GETATTR, ENUM, binUnicode("__class__"))),
      { status: "unsafe", dangerous: [`getattr(${ENUM_NAME}, '__class__')`] },
    ],
    [
      "a default argument (three arguments are not the enum form)",
      listOf(GETATTR, ENUM, binUnicode("gradients"), "N", 0x87, "R"),
      { status: "unsafe", dangerous: [`getattr(${ENUM_NAME}, 'gradients', None)`] },
    ],
    [
      "an enum member called as a function",
      listOf(call2(GETATTR, ENUM, binUnicode("gradients")), binUnicode("x"), 0x85, "R"),
      { status: "unsafe", dangerous: [`getattr(${ENUM_NAME}, 'gradients')(…)`] },
    ],
    [
      "getattr through NEWOBJ",
      listOf(GETATTR, ENUM, binUnicode("gradients"), 0x86, 0x81),
      { status: "unsafe", dangerous: [`getattr(${ENUM_NAME}, 'gradients')`] },
    ],
    [
      "getattr handed to another callable as a value",
      listOf(global("collections", "defaultdict"), GETATTR, 0x85, "R"),
      { status: "unsafe", dangerous: ["__builtin__.getattr"] },
    ],
  ] as const)("%s", (_name, bytes, expected) => {
    expect(verdict(bytes)).toEqual(expected);
  });
});
