import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { analyzeTorchZip } from "../../../src/core/formats/torch-zip-layout.ts";
import { readZipDirectory } from "../../../src/core/formats/zip-directory.ts";
import { readZipEntry } from "../../../src/core/formats/zip-entry-reader.ts";
import { planOptimizerStrip } from "../../../src/core/retention/optimizer-strip-plan.ts";
import { walkPickleOps } from "../../../src/core/retention/pickle-op-walk.ts";
import { pickleTopLevel } from "../../../src/core/retention/pickle-top-level-items.ts";
import { binUnicode, global, type PicklePart, pk } from "../../helpers/pickle-bytes.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";

const PROTO2 = [0x80, 0x02];
const MARK = 0x28;
const SETITEMS = 0x75;
const SETITEM = 0x73;
const STOP = 0x2e;
const put = (index: number): number[] => [0x71, index];
const get = (index: number): number[] => [0x68, index];

/** `('storage', torch.FloatStorage, key, 'cpu', 4)` then BINPERSID; the first one memoizes 'storage', the type and 'cpu' at 90–92. */
function storage(key: string, first: boolean): PicklePart[] {
  const head = first
    ? [binUnicode("storage"), put(90), global("torch", "FloatStorage"), put(91)]
    : [get(90), get(91)];
  const cpu = first ? [binUnicode("cpu"), put(92)] : [get(92)];
  return [MARK, ...head, binUnicode(key), ...cpu, 0x4b, 4, 0x74, 0x51];
}

const rootOpen = [PROTO2, 0x7d, put(0)];

function topLevel(bytes: Uint8Array) {
  const ops = walkPickleOps(bytes);
  if (!ops.success) throw new Error(ops.error);
  const layout = pickleTopLevel(ops.data);
  if (!layout.success) throw new Error(layout.error);
  return layout.data;
}

describe("planOptimizerStrip on hand-made protocol-2 pickles", () => {
  const model = [binUnicode("model"), put(1), storage("0", true)];
  const optimizer = [binUnicode("optimizer"), put(2), storage("1", false)];
  const epoch = [binUnicode("epoch"), put(3), 0x4b, 7];

  test("a plain dict: the optimizer item's bytes go, its storage is dropped, the rest is byte for byte", () => {
    const plan = planOptimizerStrip(pk(rootOpen, MARK, model, optimizer, epoch, SETITEMS, STOP));
    expect(plan.success).toBe(true);
    if (!plan.success) return;
    expect(plan.data.removedKeys).toEqual(["optimizer"]);
    expect([...plan.data.dataPkl]).toEqual([...pk(rootOpen, MARK, model, epoch, SETITEMS, STOP)]);
    expect([...plan.data.droppedStorages]).toEqual(["1"]);
    expect(topLevel(plan.data.dataPkl).items.map((item) => item.key)).toEqual(["model", "epoch"]);
  });

  test("a storage the kept items also reference is not dropped", () => {
    const shared = [binUnicode("optimizer"), put(2), MARK, storage("1", false), storage("0", false), 0x74];
    const plan = planOptimizerStrip(pk(rootOpen, MARK, model, shared, SETITEMS, STOP));
    expect(plan.success && [...plan.data.droppedStorages]).toEqual(["1"]);
  });

  test("Lightning: optimizer_states and lr_schedulers go together, a lone SETITEM with its opcode", () => {
    const states = [binUnicode("optimizer_states"), put(4), storage("1", false)];
    const schedulers = [binUnicode("lr_schedulers"), put(5), 0x5d, put(6)];
    const plan = planOptimizerStrip(pk(rootOpen, MARK, model, states, SETITEMS, schedulers, SETITEM, STOP));
    expect(plan.success).toBe(true);
    if (!plan.success) return;
    expect(plan.data.removedKeys).toEqual(["optimizer_states", "lr_schedulers"]);
    expect([...plan.data.dataPkl]).toEqual([...pk(rootOpen, MARK, model, SETITEMS, STOP)]);
  });

  const refusals: [string, Uint8Array, RegExp][] = [
    ["MEMOIZE", pk(rootOpen, MARK, model, optimizer, 0x94, SETITEMS, STOP), /MEMOIZE at \d+/],
    [
      "a memo index put inside the span, read after it",
      pk(rootOpen, MARK, model, optimizer, binUnicode("again"), get(2), SETITEMS, STOP),
      /memo index 2, written inside 'optimizer', is read at byte \d+ outside it/,
    ],
    [
      "the key twice",
      pk(
        rootOpen,
        MARK,
        model,
        optimizer,
        SETITEMS,
        MARK,
        binUnicode("optimizer"),
        0x4e,
        epoch,
        SETITEMS,
        STOP,
      ),
      /'optimizer' appears 2 times/,
    ],
    [
      "an OrderedDict at the top",
      pk(PROTO2, global("collections", "OrderedDict"), 0x29, 0x52, MARK, model, optimizer, SETITEMS, STOP),
      /top level is not a plain dict/,
    ],
    ["protocol 4", pk([0x80, 4], 0x7d, MARK, model, optimizer, SETITEMS, STOP), /PROTO 2/],
    [
      "a change to the dict other than setting items",
      pk(rootOpen, MARK, model, optimizer, SETITEMS, 0x7d, 0x62, STOP),
      /BUILD at \d+ changes the top-level dict/,
    ],
    [
      "a truncated stream",
      pk(rootOpen, MARK, model, optimizer).subarray(0, 40),
      /runs past the end|without STOP/,
    ],
  ];
  for (const [name, bytes, reason] of refusals)
    test(`refuses ${name}`, () => {
      const plan = planOptimizerStrip(bytes);
      expect(plan.success ? "planned" : plan.error.code).toBe("refused");
      if (!plan.success) expect(plan.error.message).toMatch(reason);
    });

  test("no optimizer key, or one holding no tensors: absent, not refused", () => {
    const none = planOptimizerStrip(pk(rootOpen, MARK, model, epoch, SETITEMS, STOP));
    expect(none.success ? "planned" : none.error.code).toBe("absent");
    const empty = planOptimizerStrip(
      pk(rootOpen, MARK, model, binUnicode("optimizer"), 0x4e, SETITEMS, STOP),
    );
    expect(empty.success ? "planned" : empty.error).toEqual({
      code: "absent",
      message: "no tensor is only in optimizer",
    });
  });
});

function dataPklOf(path: string) {
  const source = bytesSource(readFileSync(path));
  const directory = readZipDirectory(source);
  if (!directory.success) throw new Error(directory.error.message);
  const layout = analyzeTorchZip(directory.data);
  if (layout.dataPkl === undefined) throw new Error("no data.pkl");
  const bytes = readZipEntry(source, layout.dataPkl, {});
  if (!bytes.success) throw new Error(bytes.error.message);
  return { bytes: bytes.data, storages: [...layout.storages.keys()] };
}

describe("planOptimizerStrip on framework-written checkpoints", () => {
  const cases = [
    [
      "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints/dbnet-epoch02-hmean0.9705.ckpt",
      ["optimizer_states", "lr_schedulers"],
    ],
    ["ultralytics/runs/detect/train/weights/epoch0.pt", ["optimizer"]],
  ] as const;
  for (const [name, removed] of cases)
    test(name, () => {
      const old = dataPklOf(join(realFixtureRoot, name));
      const plan = planOptimizerStrip(old.bytes);
      if (!plan.success) throw new Error(plan.error.message);
      expect(plan.data.removedKeys).toEqual(removed);
      const before = topLevel(old.bytes);
      const after = topLevel(plan.data.dataPkl);
      expect(after.items.map((item) => item.key)).toEqual(
        before.items.map((item) => item.key).filter((key) => !removed.includes(key as never)),
      );
      const stillNamed = new Set(after.storages.map((each) => each.key));
      expect(old.storages.filter((key) => !stillNamed.has(key)).sort()).toEqual(
        [...plan.data.droppedStorages].sort(),
      );
    });
});
