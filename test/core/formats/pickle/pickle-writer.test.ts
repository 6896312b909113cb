import { describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  inputDict,
  inputFloat,
  inputTuple,
  type PickleInput,
  type WriterStorage,
} from "../../../../src/core/formats/pickle/pickle-input.ts";
import { interpretPickle } from "../../../../src/core/formats/pickle/pickle-interpreter.ts";
import { writePickle } from "../../../../src/core/formats/pickle/pickle-writer.ts";
import { dictGet, isTagged } from "../../../../src/core/formats/pickle/py-value.ts";
import { type PlainJson, toPlainJson } from "../../../../src/core/formats/pickle/to-plain-json.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../../helpers/process-budget.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

// Loads with the stdlib pickle module only. find_class allows just what the writer emits, mapped to stubs.
const pythonLoader = `
import sys, json, pickle, io, collections
class Stub:
    def __init__(self, name): self.name = name
    def __call__(self, *args): return {"__call__": self.name, "args": list(args)}
ALLOWED = {("collections", "OrderedDict"): collections.OrderedDict, ("_codecs", "encode"): None}
class Restricted(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("_codecs", "encode"):
            import codecs
            return codecs.encode
        if (module, name) in ALLOWED: return ALLOWED[(module, name)]
        if module in ("torch", "torch._utils"): return Stub(module + "." + name)
        raise pickle.UnpicklingError("forbidden " + module + "." + name)
    def persistent_load(self, pid): return {"__pid__": [p.name if isinstance(p, Stub) else p for p in pid]}
def default(o):
    if isinstance(o, Stub): return o.name
    if isinstance(o, bytes): return {"__bytes__": o.hex()}
    if isinstance(o, tuple): return list(o)
    raise TypeError(type(o).__name__)
def plain(o):
    if isinstance(o, dict): return {str(k): plain(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)): return [plain(v) for v in o]
    if isinstance(o, float): return repr(o)
    if isinstance(o, int) and not isinstance(o, bool) and abs(o) > 2**53: return str(o)
    return o
value = Restricted(io.BytesIO(sys.stdin.buffer.read())).load()
print(json.dumps(plain(value), default=default))
`;

function loadWithPython(bytes: Uint8Array): unknown {
  const child = Bun.spawnSync(["python3", "-c", pythonLoader], {
    stdin: bytes,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (child.exitCode !== 0) throw new Error(child.stderr.toString());
  return JSON.parse(child.stdout.toString());
}

const nested = inputDict({
  epoch: 3,
  lr: 0.001,
  one: inputFloat(1),
  big: 2n ** 70n,
  negative: -(2n ** 40n),
  name: "héllo wörld ✓ 😀",
  flags: [true, false, null],
  pair: inputTuple(1, "a"),
  quad: inputTuple(1, 2, 3, 4),
  ints: [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, Number.MAX_SAFE_INTEGER],
  data: { kind: "bytes", data: Uint8Array.from([0, 1, 0xff]) },
  ordered: inputDict({ b: 1, a: 2 }, true),
  intKeys: inputDict([
    [0, "zero"],
    [inputTuple(1, 2), "tuple"],
  ]),
});

describe("writePickle", () => {
  test("round-trips through interpretPickle", () => {
    const written = writePickle(nested);
    const result = interpretPickle(written.bytes);
    if (!result.success) throw new Error(result.error.message);
    expect(result.data.protocol).toBe(2);
    expect(toPlainJson(result.data.value)).toEqual({
      epoch: 3,
      lr: 0.001,
      one: 1,
      big: "1180591620717411303424",
      negative: -(2 ** 40),
      name: "héllo wörld ✓ 😀",
      flags: [true, false, null],
      pair: [1, "a"],
      quad: [1, 2, 3, 4],
      ints: [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, Number.MAX_SAFE_INTEGER],
      data: { __bytes__: "0001ff", length: 3 },
      ordered: { b: 1, a: 2 },
      intKeys: { "0": "zero", "(1, 2)": "tuple" },
    });
    expect((dictGet(result.data.value, "ordered") as { className?: string }).className).toBe(
      "collections.OrderedDict",
    );
  });

  test("Python's stdlib pickle loads the plain-data pickle the same way", () => {
    expect(loadWithPython(writePickle(nested).bytes)).toEqual({
      epoch: 3,
      lr: "0.001",
      one: "1.0",
      big: "1180591620717411303424",
      negative: -(2 ** 40),
      name: "héllo wörld ✓ 😀",
      flags: [true, false, null],
      pair: [1, "a"],
      quad: [1, 2, 3, 4],
      ints: [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, Number.MAX_SAFE_INTEGER],
      data: { __bytes__: "0001ff" },
      ordered: { b: 1, a: 2 },
      intKeys: { "0": "zero", "(1, 2)": "tuple" },
    });
  });

  test("shared and cyclic lists keep their identity", () => {
    const shared: PickleInput[] = [1];
    const cyclic: PickleInput[] = [];
    cyclic.push(cyclic);
    const result = interpretPickle(writePickle([shared, shared, cyclic]).bytes);
    if (!result.success) throw new Error(result.error.message);
    const [a, b, c] = result.data.value as unknown[][];
    expect(a).toBe(b as unknown[]);
    expect(c?.[0]).toBe(c);
  });

  test("tensors are written like torch.save and read back as TensorRefs with allocated storage keys", () => {
    const weight: WriterStorage = { dtype: "float32", numel: 6, data: new Uint8Array(24) };
    const steps: WriterStorage = { dtype: "int64", numel: 1 };
    const value = inputDict({
      state_dict: inputDict(
        {
          w: { kind: "tensor", storage: weight, shape: [2, 3] },
          "w.T": { kind: "tensor", storage: weight, shape: [3, 2], stride: [1, 3] },
          p: { kind: "tensor", storage: { dtype: "bfloat16", numel: 2 }, shape: [2], parameter: true },
        },
        true,
      ),
      step: { kind: "tensor", storage: steps, shape: [] },
    });
    const written = writePickle(value);
    expect(written.storages.map((s) => [s.key, s.storage.dtype])).toEqual([
      ["0", "float32"],
      ["1", "bfloat16"],
      ["2", "int64"],
    ]);
    const result = interpretPickle(written.bytes);
    if (!result.success) throw new Error(result.error.message);
    const stateDict = dictGet(result.data.value, "state_dict");
    const transposed = dictGet(stateDict, "w.T");
    expect(isTagged(transposed) && transposed.kind === "tensor" && transposed).toMatchObject({
      dtype: "float32",
      shape: [3, 2],
      stride: [1, 3],
      storageKey: "0",
      location: "cpu",
      numel: 6,
      elementSize: 4,
      isParameter: false,
    });
    const parameter = dictGet(stateDict, "p");
    expect(isTagged(parameter) && parameter.kind === "tensor" && parameter).toMatchObject({
      dtype: "bfloat16",
      isParameter: true,
      requiresGrad: true,
      storageKey: "1",
    });
    expect(toPlainJson(result.data.value, { readTensorScalar: () => 7 })).toEqual({
      state_dict: {
        w: { __tensor__: "float32", shape: [2, 3] },
        "w.T": { __tensor__: "float32", shape: [3, 2] },
        p: { __tensor__: "bfloat16", shape: [2] },
      },
      step: { __tensor__: "int64", shape: [], value: 7 },
    });
    const loaded = loadWithPython(written.bytes) as { step: PlainJson };
    expect(loaded.step).toEqual({
      __call__: "torch._utils._rebuild_tensor_v2",
      args: [{ __pid__: ["storage", "torch.LongStorage", "2", "cpu", 1] }, 0, [], [], false, {}],
    });
  });
});
