import {
  isTagged,
  type PersistentRef,
  type PyGlobal,
  type PyValue,
  pyTuple,
  type StorageRef,
  sequenceItems,
  type TensorRef,
} from "./py-value.ts";
import { canonicalDtype, dtypeSizes, storageTypeInfo } from "./torch-dtypes.ts";

/** Turns `('storage', StorageType, key, location, numel[, view])` into a StorageRef; anything else stays opaque. */
export function torchPersistentLoad(pid: PyValue): PyValue {
  return storageFromPid(pid) ?? ({ kind: "persistent", pid } satisfies PersistentRef);
}

export function storageFromPid(pid: PyValue): StorageRef | undefined {
  const items = sequenceItems(pid);
  if (!items || items.length < 5 || items[0] !== "storage") return undefined;
  // By index, not by destructuring (which goes through the array iterator): one storage id per tensor.
  const type = items[1];
  const key = items[2];
  const location = items[3];
  const numel = items[4];
  const view = items[5];
  if (!isTagged(type) || type.kind !== "global" || !type.name.endsWith("Storage")) return undefined;
  if (typeof key !== "string" && typeof key !== "number") return undefined;
  if (typeof location !== "string" || typeof numel !== "number") return undefined;
  return storageRef({ type, key, location, numel, view });
}

/** The StorageRef of a checked storage id (`type.name` ends in "Storage"). */
export function storageRef(id: {
  readonly type: PyGlobal;
  readonly key: string | number;
  readonly location: string;
  readonly numel: number;
  readonly view: PyValue | undefined;
}): StorageRef {
  const { type, key, location, numel, view } = id;
  const info = storageTypeInfo(type.name);
  return {
    kind: "storage",
    storageType: type.name,
    dtype: info?.[0],
    elementSize: info?.[1],
    key: String(key),
    location,
    numel,
    byteLength: info ? numel * info[1] : undefined,
    untyped: type.name === "UntypedStorage",
    viewMetadata: view,
  };
}

function asStorage(value: PyValue | undefined): StorageRef | PersistentRef | undefined {
  if (!isTagged(value)) return undefined;
  if (value.kind === "storage") return value;
  if (value.kind === "persistent") return storageFromPid(value.pid) ?? value;
  return undefined;
}

// A shape or stride is a pickled tuple of ints; tuples are immutable, so its item array is used as it is (one
// tensor per state-dict entry: copying two arrays per tensor was a measurable part of interpreting data.pkl).
function intList(value: PyValue | undefined): number[] | undefined {
  const items = sequenceItems(value);
  if (!items) return undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item !== "number" || !Number.isInteger(item)) return undefined;
  }
  return Array.isArray(value) ? [...(items as number[])] : (items as number[]);
}

function product(shape: readonly number[]): number {
  let numel = 1;
  for (let i = 0; i < shape.length; i++) numel *= shape[i] as number;
  return numel;
}

function contiguousStride(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--)
    stride[i] = (stride[i + 1] ?? 1) * Math.max(shape[i + 1] ?? 1, 1);
  return stride;
}

function dtypeOf(value: PyValue | undefined): string | undefined {
  return isTagged(value) && value.kind === "dtype" ? value.name : undefined;
}

interface TensorParts {
  readonly storage: PyValue | undefined;
  readonly offset: PyValue | undefined;
  readonly size: PyValue | undefined;
  readonly stride: PyValue | undefined;
  readonly requiresGrad: PyValue | undefined;
  readonly dtype: string | undefined;
  readonly rebuild: string;
  readonly layout: TensorRef["layout"];
  readonly extra: PyValue | undefined;
}

function makeTensor(parts: TensorParts): TensorRef | undefined {
  const shape = intList(parts.size);
  if (!shape) return undefined;
  const stride = intList(parts.stride) ?? contiguousStride(shape);
  return stridedTensor(parts, { shape, stride, storage: asStorage(parts.storage) });
}

/** The TensorRef `makeTensor` gives once shape, stride and storage are known (the fast tensor path calls it too). */
export function stridedTensor(
  parts: Pick<TensorParts, "offset" | "requiresGrad" | "dtype" | "rebuild" | "layout" | "extra">,
  known: { shape: number[]; stride: number[]; storage: StorageRef | PersistentRef | undefined },
): TensorRef {
  const { shape, stride, storage } = known;
  const typed = storage?.kind === "storage" ? storage : undefined;
  const dtype = parts.dtype ?? typed?.dtype ?? "unknown";
  return {
    kind: "tensor",
    dtype,
    shape,
    stride,
    storageOffset: typeof parts.offset === "number" ? parts.offset : 0,
    storageKey: typed?.key,
    location: typed?.location,
    numel: product(shape),
    elementSize: dtypeSizes[dtype],
    requiresGrad: parts.requiresGrad === true,
    isParameter: false,
    storage,
    rebuild: parts.rebuild,
    layout: parts.layout,
    extra: parts.extra,
  };
}

function asParameter(
  data: PyValue | undefined,
  requiresGrad: PyValue | undefined,
  extra: PyValue | undefined,
): TensorRef | undefined {
  if (!isTagged(data) || data.kind !== "tensor") return undefined;
  // Field by field, not `{ ...data }`: object spread was 1 % of the bulk profile (one per nn.Parameter).
  return {
    kind: "tensor",
    dtype: data.dtype,
    shape: data.shape,
    stride: data.stride,
    storageOffset: data.storageOffset,
    storageKey: data.storageKey,
    location: data.location,
    numel: data.numel,
    elementSize: data.elementSize,
    requiresGrad: requiresGrad === true,
    isParameter: true,
    storage: data.storage,
    rebuild: data.rebuild,
    layout: data.layout,
    extra: extra ?? data.extra,
  };
}

/** Calls a GLOBAL callable with positional args; may recurse for `_rebuild_from_type_v2`. */
export type CallFunction = (callable: PyValue, args: PyValue) => PyValue;

type TorchRebuilder = (args: PyValue[], call: CallFunction) => PyValue | undefined;

const base = (rebuild: string, a: PyValue[], dtype?: string): TensorParts => ({
  storage: a[0],
  offset: a[1],
  size: a[2],
  stride: a[3],
  requiresGrad: a[4],
  dtype,
  rebuild,
  layout: "strided",
  extra: undefined,
});

/** `torch._utils.*` and friends, keyed by `module.name`. */
export const torchRebuilders: Readonly<Record<string, TorchRebuilder>> = {
  "torch._utils._rebuild_tensor": (a) => makeTensor(base("_rebuild_tensor", a)),
  "torch._utils._rebuild_tensor_v2": (a) => makeTensor(base("_rebuild_tensor_v2", a)),
  "torch._utils._rebuild_tensor_v3": (a) => makeTensor(base("_rebuild_tensor_v3", a, dtypeOf(a[6]))),
  "torch._utils._rebuild_parameter": (a) => asParameter(a[0], a[1], undefined),
  "torch._utils._rebuild_parameter_with_state": (a) => asParameter(a[0], a[1], a[3]),
  "torch._utils._rebuild_qtensor": (a) =>
    makeTensor({ ...base("_rebuild_qtensor", a), requiresGrad: a[5], layout: "quantized", extra: a[4] }),
  "torch._utils._rebuild_sparse_tensor": (a) => {
    const data = sequenceItems(a[1]) ?? [];
    const values = data[1];
    const dtype = isTagged(values) && values.kind === "tensor" ? values.dtype : undefined;
    const parts = {
      ...base("_rebuild_sparse_tensor", []),
      size: data[2],
      dtype,
      layout: "sparse_coo" as const,
    };
    return makeTensor({ ...parts, extra: pyTuple(data) });
  },
  "torch._utils._rebuild_meta_tensor_no_storage": (a) =>
    makeTensor({ ...base("_rebuild_meta_tensor_no_storage", []), ...metaParts(a) }),
  "torch._tensor._rebuild_from_type_v2": (a, call) => {
    const inner = call(a[0] ?? null, a[2] ?? pyTuple([]));
    if (!isTagged(inner) || inner.kind !== "tensor") return undefined;
    return { ...inner, extra: pyTuple([a[1] ?? null, a[3] ?? null]) };
  },
  "torch.serialization._get_layout": (a) => (typeof a[0] === "string" ? a[0] : undefined),
  "torch.Size": (a) => {
    const items = sequenceItems(a[0] ?? pyTuple([]));
    return items ? pyTuple([...items]) : undefined;
  },
  "torch.device": (a) => {
    if (typeof a[0] !== "string") return undefined;
    return typeof a[1] === "number" ? `${a[0]}:${a[1]}` : a[0];
  },
};

function metaParts(a: PyValue[]) {
  return { dtype: dtypeOf(a[0]), size: a[1], stride: a[2], requiresGrad: a[3], layout: "meta" as const };
}

/** `torch.float32` etc. as a value. */
export function torchDtypeGlobal(module: string, name: string): string | undefined {
  return module === "torch" ? canonicalDtype(name) : undefined;
}
