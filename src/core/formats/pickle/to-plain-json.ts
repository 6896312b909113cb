import { assertNever } from "../../assert-never.ts";
import { knownObjectView } from "./known-objects.ts";
import { pyClassStr, pyFloatRepr, pyStr } from "./py-str.ts";
import { globalName, PyDict, type PyTagged, type PyValue, type TensorRef } from "./py-value.ts";

/** JSON-safe data: what `JSON.stringify` writes without loss. */
export type PlainJson = null | boolean | number | string | PlainJson[] | { [key: string]: PlainJson };

export interface ToPlainJsonOptions {
  /** Value of a 0-d tensor (e.g. Lightning `best_model_score`), read from its storage by the caller. */
  readonly readTensorScalar?: (tensor: TensorRef) => number | bigint | boolean | undefined;
  /** Nodes emitted before the rest becomes `{"__truncated__": true}` (shared sub-graphs count each time). @default 1_000_000 */
  readonly maxNodes?: number;
  /** Nesting depth before `{"__truncated__": true}`. @default 256 */
  readonly maxDepth?: number;
}

const hexDigits = "0123456789abcdef";
const maxBytesHex = 64;

/** A float as JSON: finite numbers stay numbers; NaN/±Infinity become Python's `"nan"`, `"inf"`, `"-inf"`. */
export function plainNumber(value: number): number | string {
  return Number.isFinite(value) ? value : pyFloatRepr(value);
}

function plainInt(value: bigint): number | string {
  return Number.isSafeInteger(Number(value)) && BigInt(Number(value)) === value
    ? Number(value)
    : value.toString();
}

function hex(data: Uint8Array): string {
  let out = "";
  for (const byte of data) out += (hexDigits[byte >> 4] ?? "") + (hexDigits[byte & 15] ?? "");
  return out;
}

/**
 * A PyValue as JSON-able data, shaped like the truth files' `json.dumps` of torch-loaded values:
 * dicts → objects with keys as Python `str(key)`; tuples/lists/sets → arrays; tensors →
 * `{"__tensor__": dtype, "shape": [...]}` (+ `"value"` for 0-d tensors when `readTensorScalar` gives one);
 * namespaces and OmegaConf configs → plain dicts; classes → `"<class 'mod.Name'>"`; a reference back to an
 * ancestor → `{"__cycle__": kind}`. See the module README in the final report for every marker.
 */
export function toPlainJson(value: PyValue, options: ToPlainJsonOptions = {}): PlainJson {
  const walker = new PlainWalker(options);
  return walker.walk(value, 0);
}

class PlainWalker {
  private nodes = 0;
  private readonly ancestors = new Set<object>();
  private readonly options: ToPlainJsonOptions;
  private readonly maxNodes: number;
  private readonly maxDepth: number;

  constructor(options: ToPlainJsonOptions) {
    this.options = options;
    this.maxNodes = options.maxNodes ?? 1_000_000;
    this.maxDepth = options.maxDepth ?? 256;
  }

  walk(value: PyValue, depth: number): PlainJson {
    this.nodes += 1;
    if (value === null || typeof value === "boolean" || typeof value === "string") return value;
    if (typeof value === "number") return plainNumber(value);
    if (typeof value === "bigint") return plainInt(value);
    if (this.nodes > this.maxNodes || depth > this.maxDepth) return { __truncated__: true };
    if (this.ancestors.has(value)) return { __cycle__: Array.isArray(value) ? "list" : value.kind };
    this.ancestors.add(value);
    try {
      if (Array.isArray(value)) return this.list(value, depth);
      return this.tagged(value, depth);
    } finally {
      this.ancestors.delete(value);
    }
  }

  private list(items: readonly PyValue[], depth: number): PlainJson[] {
    return items.map((item) => this.walk(item, depth + 1));
  }

  private dict(dict: PyDict, depth: number): { [key: string]: PlainJson } {
    const out: { [key: string]: PlainJson } = {};
    for (const [key, item] of dict.entries()) out[pyStr(key)] = this.walk(item, depth + 1);
    return out;
  }

  private optional(name: string, value: PyValue | undefined, depth: number): { [key: string]: PlainJson } {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) return {};
    if (value instanceof PyDict && value.size === 0) return {};
    return { [name]: this.walk(value, depth + 1) };
  }

  private tensor(tensor: TensorRef): PlainJson {
    const out = { __tensor__: tensor.dtype, shape: tensor.shape };
    if (tensor.shape.length !== 0) return out;
    const scalar = this.options.readTensorScalar?.(tensor);
    if (typeof scalar === "number") return { ...out, value: plainNumber(scalar) };
    if (typeof scalar === "bigint") return { ...out, value: plainInt(scalar) };
    if (typeof scalar === "boolean") return { ...out, value: scalar };
    return out;
  }

  private tagged(value: PyTagged, depth: number): PlainJson {
    switch (value.kind) {
      case "dict":
        return this.dict(value, depth);
      case "tuple":
        return this.list(value.items, depth);
      case "set":
        return this.list(value.items, depth);
      case "bytes":
        return { __bytes__: hex(value.data.subarray(0, maxBytesHex)), length: value.data.length };
      case "global":
        return pyClassStr(value.module, value.name);
      case "dtype":
        return `torch.${value.name}`;
      case "tensor":
        return this.tensor(value);
      case "storage":
        return {
          __storage__: value.dtype ?? value.storageType,
          key: value.key,
          location: value.location,
          numel: value.numel,
        };
      case "persistent":
        return { __persistent_id__: this.walk(value.pid, depth + 1) };
      case "enum":
        return {
          __enum__: `${value.class.module}.${value.class.name}`,
          value: this.walk(value.value, depth + 1),
        };
      case "complex":
        return { __complex__: [plainNumber(value.real), plainNumber(value.imag)] };
      case "numpy-dtype":
        return { __numpy_dtype__: `${value.byteOrder === "=" ? "" : value.byteOrder}${value.code}` };
      case "ndarray":
        return {
          __ndarray__: value.dtype ?? "unknown",
          shape: value.shape,
          ...this.optional("values", value.values, depth),
        };
      case "object":
        return this.object(value, depth);
      case "reduce":
        return {
          __reduce__: globalName(value.callable) ?? "?",
          args: this.walk(value.args, depth + 1),
          ...this.optional("state", value.attributes ?? value.state, depth),
          ...this.optional("items", value.dictItems, depth),
          ...this.optional("list", value.listItems, depth),
        };
      default:
        return assertNever(value);
    }
  }

  private object(value: PyTagged & { kind: "object" }, depth: number): PlainJson {
    const view = knownObjectView(value);
    if (view !== undefined) return this.walk(view, depth);
    return {
      __object__: globalName(value.class) ?? "?",
      ...this.optional("args", value.args, depth),
      ...this.optional("state", value.attributes ?? value.state, depth),
      ...this.optional("items", value.dictItems, depth),
      ...this.optional("list", value.listItems, depth),
    };
  }
}
