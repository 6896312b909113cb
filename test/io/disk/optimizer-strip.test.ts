import { describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  copyFileSync,
  linkSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { materializeWritePlan } from "../../../src/core/formats/zip-writer.ts";
import { walkPickleOps } from "../../../src/core/retention/pickle-op-walk.ts";
import { pickleTopLevel } from "../../../src/core/retention/pickle-top-level-items.ts";
import { readCheckpointReport } from "../../../src/io/checkpoint/read-checkpoint.ts";
import { stripOptimizer } from "../../../src/io/disk/optimizer-strip.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { runTorchScript } from "../../helpers/python-with-torch.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";
import {
  beforeStop,
  binUnicodeAscii,
  insertAt,
  noneItem,
  rewriteTorchZip,
  type TorchZipRewrite,
} from "../../helpers/torch-zip-rewrite.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const LIGHTNING = join(
  realFixtureRoot,
  "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints/dbnet-epoch02-hmean0.9705.ckpt",
);

type TorchCompare = {
  bad_record: string | null;
  new_keys: string[];
  tensors: Record<string, number>;
  equal: Record<string, boolean>;
};

function stripped(path: string) {
  const before = readFileSync(path).length;
  const outcome = stripOptimizer(path);
  if (outcome.kind !== "stripped") throw new Error(JSON.stringify(outcome));
  expect(outcome.bytesSaved).toBe(before - statSync(path).size);
  return outcome;
}

describe("stripOptimizer", () => {
  test("a real Lightning checkpoint: ckpt's reader and torch.load read the same weights, no optimizer keys", () => {
    using dir = makeTempDir("strip");
    const path = join(dir.path, "epoch=2.ckpt");
    const original = join(dir.path, "original.ckpt");
    copyFileSync(LIGHTNING, path);
    copyFileSync(LIGHTNING, original);
    utimesSync(path, new Date(1_700_000_000_000), new Date(1_700_000_000_000));
    const outcome = stripped(path);
    expect(outcome.removedKeys).toEqual(["optimizer_states", "lr_schedulers"]);
    expect(statSync(path).mtimeMs).toBe(1_700_000_000_000);
    const [before, after] = [readCheckpointReport(original), readCheckpointReport(path)];
    expect(after.status).toBe("ok");
    expect(after.state_dict).toEqual(before.state_dict);
    expect(after.optimizer_states).toBeUndefined();
    expect(after.top_level_keys).toEqual(
      (before.top_level_keys ?? []).filter((key) => key !== "optimizer_states" && key !== "lr_schedulers"),
    );
    const loaded = runTorchScript("torch-load-equal.py", [original, path]) as TorchCompare;
    expect(loaded.new_keys).toEqual(after.top_level_keys ?? []);
    expect(loaded).toMatchObject({
      bad_record: null,
      tensors: { state_dict: 50 },
      equal: { state_dict: true },
    });
    expect(readdirSync(dir.path).sort()).toEqual(["epoch=2.ckpt", "original.ckpt"]);
  });

  test("a plain dict torch.save wrote with an Adam optimizer: torch.load gets the same model tensors back", () => {
    using dir = makeTempDir("strip");
    const path = join(dir.path, "resume.pt");
    const original = join(dir.path, "original.pt");
    runTorchScript("torch-save-optimizer.py", [path]);
    copyFileSync(path, original);
    expect(stripped(path).removedKeys).toEqual(["optimizer"]);
    const loaded = runTorchScript("torch-load-equal.py", [original, path]) as TorchCompare;
    expect(loaded).toMatchObject({
      bad_record: null,
      new_keys: ["epoch", "model"],
      tensors: { model: 4 },
      equal: { model: true },
    });
  });

  test("a temp file a killed strip left is removed by the next strip of that checkpoint", () => {
    using dir = makeTempDir("strip");
    const path = join(dir.path, "a.ckpt");
    copyFileSync(LIGHTNING, path);
    writeFileSync(join(dir.path, ".a.ckpt.ckpt-strip-0123ab.tmp"), "half");
    stripped(path);
    expect(readdirSync(dir.path)).toEqual(["a.ckpt"]);
  });

  test("nothing to strip: a checkpoint without those keys is left alone", () => {
    using dir = makeTempDir("strip");
    const path = join(dir.path, "tutorial.pt");
    copyFileSync(join(realFixtureRoot, "torch/tutorial_checkpoint.pt"), path);
    expect(stripOptimizer(path)).toEqual({
      kind: "absent",
      path,
      reason: "no top-level optimizer_states or optimizer key",
    });
  });
});

/** The Lightning fixture's archive, laid out again with `rewrite` applied. */
const editedLightning = (rewrite: TorchZipRewrite) =>
  materializeWritePlan(rewriteTorchZip(LIGHTNING, rewrite));

/** A memo index written inside `optimizer_states` (BINPUT/LONG_BINPUT), as a BINGET/LONG_BINGET reading it. */
function readOfOptimizerMemo(pickle: Uint8Array): number[] {
  const ops = walkPickleOps(pickle);
  if (!ops.success) throw new Error(ops.error);
  const layout = pickleTopLevel(ops.data);
  if (!layout.success) throw new Error(layout.error);
  const item = layout.data.items.find((each) => each.key === "optimizer_states");
  const put = layout.data.puts.find(
    (each) => item !== undefined && each.at > item.start && each.at < item.end,
  );
  if (put === undefined) throw new Error("no memo write inside optimizer_states");
  return [0x6a, put.index & 0xff, (put.index >> 8) & 0xff, (put.index >> 16) & 0xff, 0];
}

describe("stripOptimizer refuses and leaves the file byte-identical", () => {
  const cases: [string, () => Uint8Array, RegExp][] = [
    [
      "MEMOIZE in the stream",
      () => editedLightning({ editPickle: (pickle) => insertAt(pickle, 5, [0x94]) }),
      /MEMOIZE at 5/,
    ],
    [
      "a memo entry of optimizer_states read after it",
      () =>
        editedLightning({
          editPickle: (pickle) =>
            beforeStop(pickle, [...binUnicodeAscii("again"), ...readOfOptimizerMemo(pickle), 0x73]),
        }),
      /written inside 'optimizer_states', is read at byte \d+ outside it/,
    ],
    [
      "optimizer_states twice",
      () => editedLightning({ editPickle: (pickle) => beforeStop(pickle, noneItem("optimizer_states")) }),
      /'optimizer_states' appears 2 times/,
    ],
    [
      "a record outside the archive root",
      () => editedLightning({ extra: [{ name: "elsewhere/x", data: new Uint8Array(8) }] }),
      /unusual archive: 1 entries outside the archive root/,
    ],
  ];
  for (const [name, bytes, reason] of cases)
    test(name, () => {
      using dir = makeTempDir("strip");
      const path = join(dir.path, "a.ckpt");
      const written = bytes();
      writeFileSync(path, written);
      const outcome = stripOptimizer(path);
      expect(outcome.kind).toBe("failed");
      if (outcome.kind === "failed") expect(outcome.message).toMatch(reason);
      expect(readFileSync(path).equals(written)).toBe(true);
      expect(readdirSync(dir.path)).toEqual(["a.ckpt"]);
    });

  test("a hard-linked checkpoint (rewriting one name frees nothing) and a symlink", () => {
    using dir = makeTempDir("strip");
    const path = join(dir.path, "a.ckpt");
    copyFileSync(LIGHTNING, path);
    linkSync(path, join(dir.path, "b.ckpt"));
    symlinkSync("a.ckpt", join(dir.path, "last.ckpt"));
    const linked = stripOptimizer(path);
    expect(linked.kind === "failed" && linked.message).toMatch(/has 2 hard links/);
    const link = stripOptimizer(join(dir.path, "last.ckpt"));
    expect(link.kind === "failed" && link.message).toMatch(/a symlink/);
    expect(readFileSync(path).equals(readFileSync(LIGHTNING))).toBe(true);
  });
});
