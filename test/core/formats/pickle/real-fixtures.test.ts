import { describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  interpretPickle,
  type PickleInterpretation,
} from "../../../../src/core/formats/pickle/pickle-interpreter.ts";
import {
  dictGet,
  globalName,
  isTagged,
  type PyValue,
  type TensorRef,
} from "../../../../src/core/formats/pickle/py-value.ts";
import { type PlainJson, toPlainJson } from "../../../../src/core/formats/pickle/to-plain-json.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../../helpers/process-budget.ts";
import { listRealFixtures, type RealFixture } from "../../../helpers/real-fixtures.ts";
import { readZipMembersWithPython } from "../../../helpers/zip-members-oracle.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const fixtures = await listRealFixtures();
const zipFixtures = fixtures.filter(
  (f) => f.truth["container"] === "zip" && f.truth["torch_load"] !== undefined,
);
const loadable = zipFixtures.filter((f) => !f.name.startsWith("broken/"));
const oracle = readZipMembersWithPython(loadable.map((f) => f.path));

function interpret(fixture: RealFixture): PickleInterpretation {
  const result = interpretPickle(oracle.dataPkl(fixture.path));
  if (!result.success) throw new Error(`${fixture.name}: ${result.error.message}`);
  return result.data;
}

function uniqueGlobals(data: PickleInterpretation): string[] {
  return [...new Set(data.globals.map((g) => `${g.module}.${g.name}`))];
}

/** Reads a 0-d float32/int64 tensor from `data/<key>` the way the checkpoint composer will. */
function scalarReader(fixture: RealFixture) {
  const storages = oracle.smallStorages(fixture.path);
  return (tensor: TensorRef): number | undefined => {
    const bytes = storages.get(tensor.storageKey ?? "");
    if (!bytes) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (tensor.dtype === "float32") return view.getFloat32(tensor.storageOffset * 4, true);
    if (tensor.dtype === "int64") return Number(view.getBigInt64(tensor.storageOffset * 8, true));
    return undefined;
  };
}

function plainOf(fixture: RealFixture): Record<string, PlainJson> {
  const plain = toPlainJson(interpret(fixture).value, { readTensorScalar: scalarReader(fixture) });
  return plain as Record<string, PlainJson>;
}

function pick(value: PlainJson | undefined, keys: readonly string[]): Record<string, PlainJson | undefined> {
  const record = (value ?? {}) as Record<string, PlainJson>;
  return Object.fromEntries(keys.map((key) => [key, record[key]]));
}

describe("real fixtures: data.pkl", () => {
  test.each(loadable.map((f) => [f.name, f] as const))("%s: globals and top-level keys", (_name, fixture) => {
    const data = interpret(fixture);
    expect(uniqueGlobals(data)).toEqual(fixture.truth["pickle_globals"] as string[]);
    expect(topLevelType(data.value)).toBe(fixture.truth["top_level_type"] as string);
    expect(topKeys(data.value)).toEqual((fixture.truth["top_level_keys"] as string[] | undefined) ?? []);
    expect(data.trailingBytes).toBe(0);
    for (const key of ["epoch", "global_step"] as const) {
      if (key in fixture.truth) expect(dictGet(data.value, key)).toEqual(fixture.truth[key] as number);
    }
  });

  const valueFields = [
    "hyper_parameters",
    "callbacks",
    "cleval_metrics",
    "hparams_type",
    "datamodule_hyper_parameters",
  ];
  const withValues = loadable.filter((f) => valueFields.some((k) => k in f.truth) || "train_args" in f.truth);
  test.each(withValues.map((f) => [f.name, f] as const))(
    "%s: values equal the truth file",
    (_name, fixture) => {
      const plain = plainOf(fixture);
      for (const key of [
        ...valueFields,
        "train_metrics",
        "date",
        "best_fitness",
        "metric",
        "arch",
        "version",
      ]) {
        if (key in fixture.truth)
          expect({ [key]: plain[key] }).toEqual({ [key]: fixture.truth[key] as PlainJson });
      }
      for (const key of ["args", "train_args"]) {
        const want = fixture.truth[key] as Record<string, PlainJson> | undefined;
        if (want) expect(pick(plain[key], Object.keys(want))).toEqual(want);
      }
    },
  );

  test("cleval: the OmegaConf DictConfig with cyclic _parent links unwraps to the truth's plain dict", () => {
    const fixture = loadable.find((f) =>
      f.name.endsWith("dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints/last.ckpt"),
    );
    if (!fixture) throw new Error("cleval fixture missing");
    const data = interpret(fixture);
    const config = dictGet(data.value, "hyper_parameters");
    const content =
      isTagged(config) && config.kind === "object" ? config.attributes?.get("_content") : undefined;
    const model = content && isTagged(content) && content.kind === "dict" ? content.get("model") : undefined;
    // The child's _parent is the very same object as the root config: a real cycle.
    expect(isTagged(model) && model.kind === "object" && model.attributes?.get("_parent")).toBe(
      config as PyValue,
    );
    const plain = toPlainJson(config ?? null) as { [key: string]: PlainJson };
    // Unresolved interpolation kept as written (OmegaConf to_container(resolve=False)).
    expect(plain["scheduler"]).toEqual({ name: "cosine", T_max: ["$", "{trainer.max_epochs}"].join("") });
    expect(plain as PlainJson).toEqual(fixture.truth["hyper_parameters"] as PlainJson);
  });

  test("optimizer state summaries match the truth (param_groups with params counted)", () => {
    for (const fixture of loadable.filter((f) => "optimizer_states" in f.truth)) {
      const plain = plainOf(fixture)["optimizer_states"] as Array<Record<string, PlainJson>>;
      const summary = plain.map((optimizer) => {
        const groups = optimizer["param_groups"] as Array<Record<string, PlainJson>>;
        return groups.map(({ params, ...rest }) => ({ ...rest, num_params: (params as PlainJson[]).length }));
      });
      const truth = fixture.truth["optimizer_states"] as Array<{ param_groups: PlainJson }>;
      expect(summary as PlainJson).toEqual(truth.map((o) => o.param_groups));
    }
  });
});

function topLevelType(value: PyValue): string | undefined {
  if (isTagged(value) && value.kind === "dict") return value.className ?? "builtins.dict";
  return isTagged(value) && value.kind === "object" ? globalName(value.class) : undefined;
}

function topKeys(value: PyValue): string[] {
  return isTagged(value) && value.kind === "dict" ? value.keys().map(String) : [];
}

describe("real fixtures: legacy torch format (five pickles back to back)", () => {
  const fixture = fixtures.find((f) => f.name === "torch/legacy_format_checkpoint.pth");
  test("pickle after pickle via endOffset, then raw storages end exactly at EOF", async () => {
    if (!fixture) throw new Error("legacy fixture missing");
    const bytes = new Uint8Array(await Bun.file(fixture.path).arrayBuffer());
    const results: PickleInterpretation[] = [];
    let offset = 0;
    for (let i = 0; i < 5; i++) {
      const result = interpretPickle(bytes, { offset });
      if (!result.success) throw new Error(result.error.message);
      results.push(result.data);
      offset = result.data.endOffset;
    }
    const [magic, protocol, sysInfo, object, keys] = results.map((r) => r.value);
    expect(magic).toBe(0x1950a86a20f9469cfc6cn);
    expect(protocol).toBe(1001);
    expect(toPlainJson(sysInfo ?? null)).toEqual({
      protocol_version: 1001,
      little_endian: true,
      type_sizes: { short: 2, int: 4, long: 4 },
    });
    expect(topKeys(object ?? null)).toEqual(fixture.truth["top_level_keys"] as string[]);
    expect([...new Set(results.flatMap(uniqueGlobals))]).toEqual(fixture.truth["pickle_globals"] as string[]);
    const sizes = storageSizes(object ?? null);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const key of keys as string[]) {
      const numel = Number(view.getBigInt64(offset, true));
      expect(numel * (sizes.get(key) ?? 0)).toBeGreaterThan(0);
      offset += 8 + numel * (sizes.get(key) ?? 0);
    }
    expect(offset).toBe(bytes.length);
  });
});

function storageSizes(root: PyValue): Map<string, number> {
  const sizes = new Map<string, number>();
  const visit = (value: PyValue): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isTagged(value) && value.kind === "dict") for (const [, v] of value.entries()) visit(v);
    else if (isTagged(value) && value.kind === "tensor" && value.storage?.kind === "storage") {
      sizes.set(value.storage.key, value.storage.elementSize ?? 0);
    }
  };
  visit(root);
  return sizes;
}
