import { assertNever } from "../../assert-never.ts";
import { knownObjectView } from "./known-objects.ts";
import { PyDict } from "./py-dict.ts";
import { pyClassStr, pyFloatRepr, pyStr } from "./py-str.ts";
import { globalName, type PyTagged, type PyValue, type TensorRef } from "./py-value.ts";

/** JSON-safe data: what `JSON.stringify` writes without loss. */
export type PlainJson = null | boolean | number | string | PlainJson[] | { [key: string]: PlainJson };

/** About 8 MB of JSON per checkpoint: far above any real hyper-parameter tree, far below a pickle bomb. */
export const PLAIN_JSON_MAX_COST = 8 * 1024 * 1024;
/** A shared object whose JSON is at most this long is repeated in full; a longer one is written once. */
export const PLAIN_JSON_REPEAT_COST = 1024;

/**
 * What all the conversions of one file may emit together, in approximate bytes of JSON, and what they left
 * out. A pickle shares objects through its memo, so a few KB can expand to terabytes: the work is bounded
 * by the pickle's size and this budget, never by the expanded tree.
 */
export class PlainBudget {
  readonly maxCost: number;
  spent = 0;
  /** `{"__truncated__": true}` markers written (budget or depth exhausted). */
  truncated = 0;
  /** `{"__same_as__": path}` markers written for repeated shared objects. */
  sharedMarkers = 0;

  constructor(maxCost: number = PLAIN_JSON_MAX_COST) {
    this.maxCost = maxCost;
  }

  get exhausted(): boolean {
    return this.spent >= this.maxCost;
  }
}

export interface ToPlainJsonOptions {
  /** Value of a 0-d tensor (e.g. Lightning `best_model_score`), read from its storage by the caller. */
  readonly readTensorScalar?: (tensor: TensorRef) => number | bigint | boolean | undefined;
  /** Shared by every conversion of one file. @default a fresh `PlainBudget()` */
  readonly budget?: PlainBudget;
  /** Nesting depth before `{"__truncated__": true}`. @default 256 */
  readonly maxDepth?: number;
}

const hexDigits = "0123456789abcdef";
const maxBytesHex = 64;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

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

/** `$.key[0]["odd key"]`: where a value sits in the converted JSON. */
function pathText(segments: readonly (string | number)[]): string {
  let out = "$";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * A PyValue as JSON-able data, shaped like the truth files' `json.dumps` of torch-loaded values:
 * dicts → objects with keys as Python `str(key)`; tuples/lists/sets → arrays; tensors →
 * `{"__tensor__": dtype, "shape": [...]}` (+ `"value"` for 0-d tensors when `readTensorScalar` gives one);
 * namespaces and OmegaConf configs → plain dicts; classes → `"<class 'mod.Name'>"`; a reference back to an
 * ancestor → `{"__cycle__": kind}`. An object met again (shared through the pickle memo) is repeated when its
 * JSON is small, else written as `{"__same_as__": "$.path.of.first"}`; past the budget or depth the rest is
 * `{"__truncated__": true}`. Repeated small values are the same JS object: treat the result as immutable.
 */
export function toPlainJson(value: PyValue, options: ToPlainJsonOptions = {}): PlainJson {
  return new PlainWalker(options).walk(value, 0);
}

type Converted = { readonly json: PlainJson; readonly cost: number; readonly path: string | undefined };

class PlainWalker {
  private readonly ancestors = new Set<object>();
  private readonly converted = new Map<object, Converted>();
  // Views (namespaces, OmegaConf) are built once per object, so a shared config is recognised as shared.
  private readonly views = new Map<object, PyValue | undefined>();
  private readonly path: (string | number)[] = [];
  private readonly options: ToPlainJsonOptions;
  private readonly budget: PlainBudget;
  private readonly maxDepth: number;

  constructor(options: ToPlainJsonOptions) {
    this.options = options;
    this.budget = options.budget ?? new PlainBudget();
    this.maxDepth = options.maxDepth ?? 256;
  }

  walk(value: PyValue, depth: number): PlainJson {
    if (value === null || typeof value === "boolean") return this.spend(value, 5);
    if (typeof value === "string") return this.spend(value, value.length + 2);
    if (typeof value === "number") return this.spend(plainNumber(value), 8);
    if (typeof value === "bigint") return this.spend(plainInt(value), 8);
    if (this.ancestors.has(value)) return { __cycle__: Array.isArray(value) ? "list" : value.kind };
    const seen = this.converted.get(value);
    if (seen !== undefined) return this.repeat(seen);
    if (this.budget.exhausted || depth > this.maxDepth) return this.truncated();
    const before = this.budget.spent;
    this.ancestors.add(value);
    let json: PlainJson;
    try {
      json = Array.isArray(value) ? this.list(value, depth) : this.tagged(value, depth);
    } finally {
      this.ancestors.delete(value);
    }
    const cost = this.budget.spent - before;
    const path = cost > PLAIN_JSON_REPEAT_COST ? pathText(this.path) : undefined;
    this.converted.set(value, { json, cost, path });
    return json;
  }

  private spend<T extends PlainJson>(json: T, cost: number): T {
    this.budget.spent += cost;
    return json;
  }

  private truncated(): PlainJson {
    this.budget.truncated += 1;
    return this.spend({ __truncated__: true }, 20);
  }

  private repeat(seen: Converted): PlainJson {
    if (seen.path === undefined) return this.spend(seen.json, seen.cost);
    this.budget.sharedMarkers += 1;
    return this.spend({ __same_as__: seen.path }, seen.path.length + 16);
  }

  private child(segment: string | number, value: PyValue, depth: number): PlainJson {
    // A number, string, bool or None never needs its path (only shared objects are written as `__same_as__`):
    // an RNG state is a list of 625 ints.
    if (typeof value !== "object" || value === null) return this.walk(value, depth + 1);
    this.path.push(segment);
    try {
      return this.walk(value, depth + 1);
    } finally {
      this.path.pop();
    }
  }

  private list(items: readonly PyValue[], depth: number): PlainJson[] {
    const out: PlainJson[] = [];
    this.budget.spent += 2;
    for (let index = 0; index < items.length; index++) {
      if (this.budget.exhausted) {
        out.push(this.truncated());
        break;
      }
      out.push(this.child(index, items[index] as PyValue, depth));
    }
    return out;
  }

  private dict(dict: PyDict, depth: number): { [key: string]: PlainJson } {
    const out: { [key: string]: PlainJson } = {};
    this.budget.spent += 2;
    const keys = dict.keys();
    const values = dict.values();
    for (let i = 0; i < keys.length; i++) {
      if (this.budget.exhausted) {
        out["__truncated__"] = this.truncated();
        break;
      }
      const item = values[i] as PyValue;
      const name = pyStr(keys[i] as PyValue);
      this.budget.spent += name.length + 4;
      out[name] = this.child(name, item, depth);
    }
    return out;
  }

  private optional(name: string, value: PyValue | undefined, depth: number): { [key: string]: PlainJson } {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) return {};
    if (value instanceof PyDict && value.size === 0) return {};
    return { [name]: this.child(name, value, depth) };
  }

  private tensor(tensor: TensorRef): PlainJson {
    const out = { __tensor__: tensor.dtype, shape: tensor.shape };
    this.budget.spent += 32 + tensor.shape.length * 8;
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
      case "set":
        return this.list(value.items, depth);
      case "bytes":
        return this.spend(
          { __bytes__: hex(value.data.subarray(0, maxBytesHex)), length: value.data.length },
          160,
        );
      case "global":
        return this.spend(pyClassStr(value.module, value.name), value.module.length + value.name.length + 12);
      case "dtype":
        return this.spend(`torch.${value.name}`, 16);
      case "tensor":
        return this.tensor(value);
      case "storage":
        return this.spend(
          {
            __storage__: value.dtype ?? value.storageType,
            key: value.key,
            location: value.location,
            numel: value.numel,
          },
          80,
        );
      case "persistent":
        return { __persistent_id__: this.child("__persistent_id__", value.pid, depth) };
      case "enum":
        return {
          __enum__: `${value.class.module}.${value.class.name}`,
          value: this.child("value", value.value, depth),
        };
      case "complex":
        return this.spend({ __complex__: [plainNumber(value.real), plainNumber(value.imag)] }, 40);
      case "numpy-dtype":
        return this.spend(
          { __numpy_dtype__: `${value.byteOrder === "=" ? "" : value.byteOrder}${value.code}` },
          24,
        );
      case "ndarray":
        return {
          __ndarray__: value.dtype ?? "unknown",
          shape: this.spend(value.shape, 16 + value.shape.length * 8),
          ...this.optional("values", value.values, depth),
        };
      case "object":
        return this.object(value, depth);
      case "reduce":
        return {
          __reduce__: globalName(value.callable) ?? "?",
          args: this.child("args", value.args, depth),
          ...this.optional("state", value.attributes ?? value.state, depth),
          ...this.optional("items", value.dictItems, depth),
          ...this.optional("list", value.listItems, depth),
        };
      default:
        return assertNever(value);
    }
  }

  private viewOf(value: PyTagged & { kind: "object" }): PyValue | undefined {
    if (!this.views.has(value)) this.views.set(value, knownObjectView(value));
    return this.views.get(value);
  }

  private object(value: PyTagged & { kind: "object" }, depth: number): PlainJson {
    const view = this.viewOf(value);
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
