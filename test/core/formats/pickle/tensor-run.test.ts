import { describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  interpretPickle,
  type PickleInterpretation,
} from "../../../../src/core/formats/pickle/pickle-interpreter.ts";
import { PyDict } from "../../../../src/core/formats/pickle/py-dict.ts";
import type { PyValue } from "../../../../src/core/formats/pickle/py-value.ts";
import { torchPersistentLoad } from "../../../../src/core/formats/pickle/torch-reconstructors.ts";
import { binUnicode, global, pk } from "../../../helpers/pickle-bytes.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../../helpers/process-budget.ts";
import { listRealFixtures, realFixtureRoot } from "../../../helpers/real-fixtures.ts";
import { readZipMembersWithPython } from "../../../helpers/zip-members-oracle.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

function fast(bytes: Uint8Array): PickleInterpretation {
  const read = interpretPickle(bytes);
  if (!read.success) throw new Error(read.error.message);
  return read.data;
}

/** The ordinary interpreter: a persistentLoad of its own turns the fast path off. */
function ordinary(bytes: Uint8Array): PickleInterpretation {
  const read = interpretPickle(bytes, { persistentLoad: (pid) => torchPersistentLoad(pid) });
  if (!read.success) throw new Error(read.error.message);
  return read.data;
}

/** What the two readings must share: the value graph, every global in order, opcodes and notes. */
const observable = (data: PickleInterpretation) => ({
  value: data.value,
  globals: data.globals,
  opcodeCount: data.opcodeCount,
  notes: data.notes,
  endOffset: data.endOffset,
});

const fixtures = (await listRealFixtures()).filter(
  (f) =>
    f.truth["container"] === "zip" && f.truth["torch_load"] !== undefined && !f.name.startsWith("broken/"),
);
const oracle = readZipMembersWithPython(fixtures.map((f) => f.path));

describe("the tensor fast path reads what the ordinary interpreter reads", () => {
  test.each(fixtures.map((f) => [f.name, f.path] as const))("%s", (_, path) => {
    const bytes = oracle.dataPkl(path);
    const quick = fast(bytes);
    expect(observable(quick)).toEqual(observable(ordinary(bytes)));
    expect(ordinary(bytes).tensorRuns).toBe(0);
    expect(quick.tensorRuns).toBeGreaterThan(0);
  });
});

const T = (text: string) => binUnicode(text);
const put = (index: number) => ["q", index];
const get = (index: number) => ["h", index];
// One tensor as torch writes it (globals named the first time), then one made of memo references.
const firstTensor = [
  global("torch._utils", "_rebuild_tensor_v2"),
  put(2),
  "((",
  T("storage"),
  put(3),
  global("torch", "FloatStorage"),
  put(4),
  T("0"),
  put(5),
  T("cpu"),
  put(6),
  "K",
  6,
  "t",
  put(7),
  "Q",
  "K",
  0,
  "K",
  2,
  "K",
  3,
  0x86,
  put(8),
  "K",
  3,
  "K",
  1,
  0x86,
  put(9),
  0x89,
  global("collections", "OrderedDict"),
  put(10),
  ")R",
  put(11),
  "t",
  put(12),
  "R",
  put(13),
];
const secondTensor = [
  get(2),
  "((",
  get(3),
  get(4),
  T("1"),
  put(15),
  get(6),
  "K",
  6,
  "t",
  put(16),
  "Q",
  "K",
  1,
  "K",
  2,
  "K",
  3,
  0x86,
  put(17),
  "K",
  3,
  "K",
  1,
  0x86,
  put(18),
  0x88,
  get(10),
  ")R",
  put(19),
  "t",
  put(20),
  "R",
  put(21),
];

describe("values the fast path did not build are built when a BINGET asks", () => {
  const bytes = pk(
    0x80,
    2,
    "}",
    put(0),
    "(",
    T("w"),
    put(1),
    firstTensor,
    T("v"),
    put(14),
    secondTensor,
    T("tied"),
    get(21),
    T("shape"),
    get(17),
    T("hooks"),
    get(19),
    T("args"),
    get(20),
    "u.",
  );

  test("the same value as the ordinary interpreter, deferred tuples and dicts included", () => {
    const quick = fast(bytes);
    expect(quick.tensorRuns).toBe(1);
    expect(observable(quick)).toEqual(observable(ordinary(bytes)));
  });

  test("a tensor referenced twice is one object (the replay keeps the tensor the fast path built)", () => {
    const value = fast(bytes).value as PyValue;
    if (!(value instanceof PyDict)) throw new Error("not a dict");
    expect(value.get("tied")).toBe(value.get("v") as PyValue);
    expect(value.get("shape")).toEqual({ kind: "tuple", items: [2, 3] });
  });
});

describe("a memo slot written twice", () => {
  // Slot 6 ('cpu', read by the second tensor's run) is overwritten before the run's storage id is asked for: the
  // replay must still see 'cpu', as the ordinary interpreter did when it built the tuple.
  const bytes = pk(
    0x80,
    2,
    "}",
    put(0),
    "(",
    T("w"),
    put(1),
    firstTensor,
    T("v"),
    put(14),
    secondTensor,
    T("loc"),
    T("gpu"),
    put(6),
    T("storage id"),
    get(16),
    "u.",
  );

  test("builds the deferred runs first, so their values are the ones the ordinary interpreter built", () => {
    const quick = fast(bytes);
    expect(quick.tensorRuns).toBe(1);
    expect(observable(quick)).toEqual(observable(ordinary(bytes)));
  });
});

describe("a legacy (< 1.6) file's main pickle: storage ids carry a sixth item, None", () => {
  test("the same value and the same storages as the ordinary interpreter", async () => {
    const file = new Uint8Array(
      await Bun.file(`${realFixtureRoot}/torch/legacy_format_checkpoint.pth`).arrayBuffer(),
    );
    let offset = 0;
    for (let i = 0; i < 3; i++) offset = fast(file.subarray(offset)).endOffset + offset;
    const bytes = file.subarray(offset);
    const seen: string[] = [];
    const read = interpretPickle(bytes, { onStorage: (storage) => void seen.push(storage.key) });
    if (!read.success) throw new Error(read.error.message);
    expect(read.data.tensorRuns).toBeGreaterThan(0);
    expect(observable(read.data)).toEqual(observable(ordinary(bytes)));
    const slowSeen: string[] = [];
    const slow = interpretPickle(bytes, {
      persistentLoad: (pid) => torchPersistentLoad(pid),
      onStorage: (storage) => void slowSeen.push(storage.key),
    });
    expect(slow.success).toBe(true);
    expect(seen).toEqual(slowSeen);
    expect(seen.length).toBeGreaterThan(0);
  });
});
