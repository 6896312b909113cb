import { describe, expect, test } from "bun:test";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { frameworkInput } from "../../../src/core/checkpoint/torch-report.ts";
import { inputDict, inputFloat, type PickleInput } from "../../../src/core/formats/pickle/pickle-input.ts";
import { PyDict } from "../../../src/core/formats/pickle/py-dict.ts";
import {
  type PyObject,
  type PyValue,
  pySet,
  type TensorRef,
} from "../../../src/core/formats/pickle/py-value.ts";
import { readTorchZipCheckpoint } from "../../../src/core/formats/torch-checkpoint.ts";
import { parseCallbackKey } from "../../../src/core/frameworks/callback-key.ts";
import type { FrameworkInput } from "../../../src/core/frameworks/framework-input.ts";
import { recognizeLightning } from "../../../src/core/frameworks/lightning.ts";
import { resolveInterpolations } from "../../../src/core/frameworks/omegaconf-resolve.ts";
import { recognizeCheckpoint } from "../../../src/core/frameworks/recognize.ts";
import { MAX_MODULE_VISITS, summarizeModule } from "../../../src/core/frameworks/state-dict-summary.ts";
import { recognizeUltralytics } from "../../../src/core/frameworks/ultralytics.ts";
import { lightningDict, scalarTensor, torchZipBytes } from "../../helpers/synthetic-checkpoints.ts";

function inputOf(value: PickleInput): FrameworkInput {
  const read = readTorchZipCheckpoint(bytesSource(torchZipBytes(value)));
  if (!read.success || read.data.value === undefined) throw new Error("synthetic checkpoint unreadable");
  return frameworkInput(read.data.value, read.data.readScalar);
}

const weights = inputDict({ "fc.weight": scalarTensor(1) }, true);

describe("recognizeLightning", () => {
  test("≤ 1.5 stored epoch/step as next-to-run: normalised by −1 and flagged", () => {
    const facts = recognizeLightning(
      inputOf(lightningDict({ epoch: 4, step: 100, score: 0.5, version: "1.5.10" })),
    )?.facts;
    expect([facts?.epoch, facts?.global_step, facts?.epoch_step_normalized]).toEqual([3, 99, true]);
  });

  test("1.6+ keeps them; the 0-d best_model_score is read as a number", () => {
    const facts = recognizeLightning(inputOf(lightningDict({ epoch: 4, step: 100, score: 0.5 })))?.facts;
    expect([facts?.epoch, facts?.global_step, facts?.model_checkpoint_states?.[0]?.best_model_score]).toEqual(
      [4, 100, 0.5],
    );
    expect(facts?.callback_configs?.[0]).toMatchObject({
      class_name: "ModelCheckpoint",
      monitor: "val/loss",
      mode: "min",
    });
  });

  test("≤ 1.4 keyed callbacks by the class object; EarlyStopping state is read too", () => {
    const modelCheckpoint = {
      kind: "global",
      module: "pytorch_lightning.callbacks.model_checkpoint",
      name: "ModelCheckpoint",
    } as const;
    const stopper = "EarlyStopping{'monitor': 'val_loss', 'mode': 'min'}";
    const value = inputDict([
      ["epoch", 2],
      ["global_step", 30],
      ["pytorch-lightning_version", "1.4.9"],
      ["state_dict", weights],
      [
        "callbacks",
        inputDict([
          [
            modelCheckpoint,
            inputDict({
              monitor: "val_loss",
              best_model_score: scalarTensor(0.75),
              best_model_path: "b.ckpt",
            }),
          ],
          [
            stopper,
            inputDict({ wait_count: 2, stopped_epoch: 0, best_score: scalarTensor(0.5), patience: 3 }),
          ],
        ]),
      ],
    ]);
    const facts = recognizeLightning(inputOf(value))?.facts;
    expect(facts?.callbacks_keys).toEqual([
      "<class 'pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint'>",
      stopper,
    ]);
    expect(facts?.model_checkpoint_states).toEqual([
      {
        key: "<class 'pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint'>",
        monitor: "val_loss",
        best_model_score: 0.75,
        best_model_path: "b.ckpt",
      },
    ]);
    expect(facts?.early_stopping_states).toEqual([
      {
        key: stopper,
        monitor: "val_loss",
        mode: "min",
        wait_count: 2,
        stopped_epoch: 0,
        best_score: 0.5,
        patience: 3,
      },
    ]);
    expect([facts?.epoch, facts?.global_step]).toEqual([1, 29]);
  });
});

describe("recognizeCheckpoint picks the most confident framework", () => {
  const cases: Array<[string, PickleInput, string | undefined, string | undefined]> = [
    [
      "timm",
      inputDict({ epoch: 1, arch: "resnet18", state_dict: weights, version: 2, args: inputDict({}) }),
      "timm",
      undefined,
    ],
    [
      "ImageNet example (arch without args/version)",
      inputDict({ epoch: 1, arch: "resnet18", state_dict: weights }),
      "plain-torch",
      "dict with 'state_dict'",
    ],
    ["bare state_dict", weights, "plain-torch", "bare state_dict"],
    [
      "tutorial dict",
      inputDict({ epoch: 3, model_state_dict: weights, loss: inputFloat(0.5) }),
      "plain-torch",
      "dict with 'model_state_dict'",
    ],
    ["a dict of numbers", inputDict({ a: 1 }), undefined, undefined],
  ];
  test.each(cases)("%s", (_name, value, framework, kind) => {
    const recognition = recognizeCheckpoint(inputOf(value));
    expect([recognition?.framework, recognition?.facts.kind]).toEqual([framework, kind]);
  });
});

describe("recognizeUltralytics", () => {
  test("stripped final weights: epoch −1, best_fitness None, model present", () => {
    const value = inputDict({
      epoch: -1,
      best_fitness: null,
      model: null,
      ema: null,
      updates: null,
      optimizer: null,
      train_args: inputDict({ epochs: 30 }),
      version: "8.3.167",
    });
    const facts = recognizeUltralytics(inputOf(value))?.facts;
    expect(facts).toMatchObject({
      epoch: -1,
      best_fitness: null,
      version: "8.3.167",
      ema_is_none: true,
      train_args: { epochs: 30 },
    });
  });
});

describe("parseCallbackKey", () => {
  test.each([
    [
      "ModelCheckpoint{'monitor': 'val/hmean', 'mode': 'max', 'every_n_train_steps': 0, 'every_n_epochs': 1, 'train_time_interval': None}",
      {
        class_name: "ModelCheckpoint",
        monitor: "val/hmean",
        mode: "max",
        every_n_train_steps: 0,
        every_n_epochs: 1,
        train_time_interval: null,
      },
    ],
    [
      "ModelCheckpoint{'monitor': None, 'mode': 'min', 'every_n_train_steps': 0, 'every_n_epochs': 1, 'train_time_interval': None, 'save_on_train_epoch_end': True}",
      {
        class_name: "ModelCheckpoint",
        monitor: null,
        mode: "min",
        every_n_train_steps: 0,
        every_n_epochs: 1,
        train_time_interval: null,
        save_on_train_epoch_end: true,
      },
    ],
    [
      "MyCheckpoint{'monitor': \"it's\", 'mode': 'max'}",
      { class_name: "MyCheckpoint", monitor: "it's", mode: "max" },
    ],
    ["TQDMProgressBar", undefined],
  ])("%s", (key, expected) => {
    expect(parseCallbackKey(key)).toEqual(expected === undefined ? undefined : { key, ...expected });
  });
});

/** `${path}` written without a template-looking literal. */
const ref = (path: string) => ["$", "{", path, "}"].join("");

describe("resolveInterpolations", () => {
  test.each([
    [
      { a: { b: 5 }, c: `${ref("a.b")}` },
      { a: { b: 5 }, c: 5 },
    ],
    [
      { a: "x", c: `pre-${ref("a")}-post` },
      { a: "x", c: "pre-x-post" },
    ],
    [
      { a: `${ref("b")}`, b: `${ref("a")}` },
      { a: `${ref("b")}`, b: `${ref("a")}` },
    ],
    [
      { c: `${ref("oc.env:HOME")}`, d: `${ref("missing.key")}` },
      { c: `${ref("oc.env:HOME")}`, d: `${ref("missing.key")}` },
    ],
  ])("%j", (config, expected) => {
    expect(resolveInterpolations(config)).toEqual(expected);
  });
});

describe("bounded walks over shared or self-referring values", () => {
  test("interpolations that copy subtrees ten wide, sixteen deep stop at a node budget", () => {
    // l0 = [0 × 10]; l(n) = [${l(n-1)} × 10]: 10^16 nodes if every copy were made.
    const config: Record<string, unknown> = { l0: Array.from({ length: 10 }, () => 0) };
    for (let level = 1; level <= 16; level++)
      config[`l${level}`] = Array.from({ length: 10 }, () => ref(`l${level - 1}`));
    const resolved = JSON.stringify(
      resolveInterpolations(config as Parameters<typeof resolveInterpolations>[0]),
    );
    expect(resolved.length).toBeLessThan(10_000_000);
    expect(resolved).toContain(ref("l15"));
  });

  test("a module tree that shares each level twice is walked up to the visit cap, and says so", () => {
    const leafParameters = new PyDict();
    leafParameters.set("w", tensorOf(1));
    // m0 has one parameter; m(n)._modules = {a: m(n-1), b: m(n-1)}: 2^30 state-dict entries if walked out, as torch would.
    let module = moduleOf({ parameters: leafParameters });
    for (let level = 0; level < 30; level++) {
      const children = new PyDict();
      children.set("a", module);
      children.set("b", module);
      module = moduleOf({ children });
    }
    const summary = summarizeModule(module);
    expect(summary.module_walk_cut_at).toBe(MAX_MODULE_VISITS);
    expect(summary.tensor_count).toBeLessThanOrEqual(MAX_MODULE_VISITS);
    expect(summary.module_parameter_count).toBe(1);
  });
});

describe("summarizeModule counts a module tree as torch's state_dict() would list it", () => {
  test("dotted names in order, BatchNorm buffers by their last segment, non-persistent buffers left out", () => {
    const bnParameters = dictOf([["weight", tensorOf(4)]]);
    const bnBuffers = dictOf([
      ["running_mean", tensorOf(4)],
      ["running_var", tensorOf(4)],
      ["num_batches_tracked", tensorOf(1, "int64")],
      ["scratch", tensorOf(100)],
    ]);
    const bn = moduleOf({ parameters: bnParameters, buffers: bnBuffers, nonPersistent: ["scratch"] });
    // Not a BatchNorm buffer: the segment must be exactly `running_mean`.
    const head = moduleOf({ parameters: dictOf([["xrunning_mean", tensorOf(10)]]) });
    const root = moduleOf({
      children: dictOf([
        ["bn", bn],
        ["head", head],
      ]),
    });
    const summary = summarizeModule(root);
    expect(summary.first_keys).toEqual([
      "bn.weight",
      "bn.running_mean",
      "bn.running_var",
      "bn.num_batches_tracked",
      "head.xrunning_mean",
    ]);
    expect(summary.tensor_count).toBe(5);
    expect(summary.numel_total).toBe(4 + 4 + 4 + 1 + 10);
    expect(summary.numel_excluding_bn_buffers).toBe(4 + 10);
    expect(summary.bytes_total).toBe((4 + 4 + 4 + 10) * 4 + 8);
    expect(summary.dtypes).toEqual({ float32: 4, int64: 1 });
    // Every tensor here has its own storage; the non-persistent buffer is a module buffer but not in the state dict.
    expect(summary.unique_storages).toBe(5);
    expect(summary.module_parameter_count).toBe(4 + 10);
    expect(summary.module_buffer_count).toBe(4 + 4 + 1 + 100);
  });
});

const moduleClass = {
  kind: "global",
  module: "torch.nn",
  name: "Module",
  rawModule: "torch.nn",
  rawName: "Module",
} as const;

function dictOf(items: ReadonlyArray<readonly [string, PyValue]>): PyDict {
  const dict = new PyDict();
  for (const [key, value] of items) dict.set(key, value);
  return dict;
}

/** A pickled nn.Module as the interpreter builds it: NEWOBJ + BUILD of its `__dict__`. */
function moduleOf(parts: {
  parameters?: PyDict;
  buffers?: PyDict;
  children?: PyDict;
  nonPersistent?: string[];
}): PyObject {
  const attributes = new PyDict();
  attributes.set("_parameters", parts.parameters ?? new PyDict());
  attributes.set("_buffers", parts.buffers ?? new PyDict());
  if (parts.nonPersistent) attributes.set("_non_persistent_buffers_set", pySet(parts.nonPersistent, false));
  attributes.set("_modules", parts.children ?? new PyDict());
  return {
    kind: "object",
    class: moduleClass,
    args: [],
    kwargs: undefined,
    state: attributes,
    attributes,
    dictItems: undefined,
    listItems: undefined,
    via: "newobj",
  };
}

let storageKeys = 0;

function tensorOf(numel: number, dtype: "float32" | "int64" = "float32"): TensorRef {
  storageKeys += 1;
  return {
    kind: "tensor",
    dtype,
    shape: [numel],
    stride: [1],
    storageOffset: 0,
    storageKey: String(storageKeys),
    location: "cpu",
    numel,
    elementSize: dtype === "int64" ? 8 : 4,
    requiresGrad: true,
    isParameter: true,
    storage: undefined,
    rebuild: "_rebuild_parameter",
    layout: "strided",
    extra: undefined,
  };
}
