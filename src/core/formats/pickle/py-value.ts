import { PyDict } from "./py-dict.ts";
import { keyHash } from "./py-key-hash.ts";

/**
 * The value model of an interpreted (never executed) pickle. Python values map to plain JS where faithful:
 * `None` → null, bool → boolean, int → number when safe else bigint, float → number (exact IEEE double),
 * str → string, list → JS array (mutable, shared by reference). Everything else is a tagged object with a
 * literal `kind`. Objects reached through the memo are the same JS object, so graphs may share and cycle.
 */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | PyBytes
  | PyGlobal
  | PyObject
  | PyReduce
  | PersistentRef
  | StorageRef
  | TensorRef
  | TorchDtype
  | PyEnum
  | PyComplex
  | NumpyDtype
  | NumpyArray;

/** Every tagged kind, for `switch (v.kind)` with `assertNever`. */
export type PyTagged = Exclude<PyValue, null | boolean | number | bigint | string | PyValue[]>;

export interface PyTuple {
  readonly kind: "tuple";
  readonly items: PyValue[];
}

/** A class or function reference from GLOBAL/STACK_GLOBAL/INST. `module`/`name` are normalised (py2 → py3). */
export interface PyGlobal {
  readonly kind: "global";
  readonly module: string;
  readonly name: string;
  /** As written in the pickle (e.g. `__builtin__`), for reporting. */
  readonly rawModule: string;
  readonly rawName: string;
}

/** An instance of a class we do not reconstruct: NEWOBJ/NEWOBJ_EX/INST/OBJ/copyreg, plus what BUILD gave it. */
export interface PyObject {
  readonly kind: "object";
  readonly class: PyValue;
  readonly args: PyValue[];
  readonly kwargs: PyDict | undefined;
  /** BUILD's argument, as given (a dict, a `(dict, slots)` tuple, or anything `__setstate__` takes). */
  state: PyValue | undefined;
  /** The instance `__dict__` (+ slots) when BUILD gave dict state: the object's attributes. */
  attributes: PyDict | undefined;
  /** Items from SETITEM(S)/APPEND(S) on a dict/list subclass instance. */
  dictItems: PyDict | undefined;
  listItems: PyValue[] | undefined;
  readonly via: "newobj" | "inst" | "obj" | "reconstructor";
}

/** REDUCE on a callable we do not reconstruct: the call is recorded, never made. */
export interface PyReduce {
  readonly kind: "reduce";
  readonly callable: PyValue;
  readonly args: PyValue;
  state: PyValue | undefined;
  attributes: PyDict | undefined;
  dictItems: PyDict | undefined;
  listItems: PyValue[] | undefined;
}

export interface PySet {
  readonly kind: "set";
  readonly frozen: boolean;
  readonly items: PyValue[];
  readonly index: Map<string, number>;
}

export interface PyBytes {
  readonly kind: "bytes";
  readonly data: Uint8Array;
  /** `bytearray` rather than `bytes`. */
  readonly mutable: boolean;
}

/** A persistent id the `persistentLoad` hook did not turn into something else. */
export interface PersistentRef {
  readonly kind: "persistent";
  readonly pid: PyValue;
}

/** A torch storage from the persistent id `('storage', StorageType, key, location, numel[, view])`. */
export interface StorageRef {
  readonly kind: "storage";
  /** Storage class name as pickled, e.g. `FloatStorage`, `UntypedStorage`. */
  readonly storageType: string;
  /** Element dtype implied by the storage type; `uint8` for UntypedStorage, undefined when unknown. */
  readonly dtype: string | undefined;
  readonly elementSize: number | undefined;
  readonly key: string;
  readonly location: string;
  /** Element count for typed storages, byte count for UntypedStorage (torch semantics). */
  readonly numel: number;
  /** `numel × elementSize`: the length of `data/<key>`. */
  readonly byteLength: number | undefined;
  readonly untyped: boolean;
  /** Legacy-format 6th element (`None` or `(view_key, offset, size)`). */
  readonly viewMetadata: PyValue | undefined;
}

/** A tensor from `torch._utils._rebuild_*`; the data stays in the storage record. */
export interface TensorRef {
  readonly kind: "tensor";
  readonly dtype: string;
  readonly shape: number[];
  readonly stride: number[];
  /** In elements. */
  readonly storageOffset: number;
  readonly storageKey: string | undefined;
  readonly location: string | undefined;
  readonly numel: number;
  readonly elementSize: number | undefined;
  readonly requiresGrad: boolean;
  readonly isParameter: boolean;
  readonly storage: StorageRef | PersistentRef | undefined;
  /** Which reconstructor built it, e.g. `_rebuild_tensor_v2`. */
  readonly rebuild: string;
  readonly layout: "strided" | "sparse_coo" | "quantized" | "meta";
  /** Parameter state / subclass info (`_rebuild_parameter_with_state`, `_rebuild_from_type_v2`). */
  readonly extra: PyValue | undefined;
}

/** `torch.float32` and friends. */
export interface TorchDtype {
  readonly kind: "dtype";
  readonly name: string;
}

/** `GLOBAL mod Cls` called with one plain value: Python's enum-by-value pattern. */
export interface PyEnum {
  readonly kind: "enum";
  readonly class: PyGlobal;
  readonly value: PyValue;
}

export interface PyComplex {
  readonly kind: "complex";
  readonly real: number;
  readonly imag: number;
}

/** `numpy.dtype(code, align, copy)` + BUILD state. */
export interface NumpyDtype {
  readonly kind: "numpy-dtype";
  readonly code: string;
  byteOrder: string;
}

/** `numpy.core.multiarray._reconstruct` + BUILD: a summary, with values when small. */
export interface NumpyArray {
  readonly kind: "ndarray";
  dtype: string | undefined;
  shape: number[];
  fortranOrder: boolean;
  byteLength: number;
  values: PyValue[] | undefined;
}

export function pyTuple(items: PyValue[]): PyTuple {
  return { kind: "tuple", items };
}

export function pySet(items: readonly PyValue[], frozen: boolean): PySet {
  const set: PySet = { kind: "set", frozen, items: [], index: new Map() };
  for (const item of items) addToSet(set, item);
  return set;
}

export function addToSet(set: PySet, item: PyValue): void {
  const hash = keyHash(item);
  if (set.index.has(hash)) return;
  set.index.set(hash, set.items.length);
  set.items.push(item);
}

export function pyBytes(data: Uint8Array, mutable = false): PyBytes {
  return { kind: "bytes", data, mutable };
}

/** A tagged value (not a primitive and not a list). */
export function isTagged(value: PyValue | undefined): value is PyTagged {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isGlobal(value: PyValue | undefined, qualifiedName?: string): value is PyGlobal {
  if (!isTagged(value) || value.kind !== "global") return false;
  return qualifiedName === undefined || `${value.module}.${value.name}` === qualifiedName;
}

/** `module.name` of a global (normalised), or undefined. */
export function globalName(value: PyValue | undefined): string | undefined {
  return isTagged(value) && value.kind === "global" ? `${value.module}.${value.name}` : undefined;
}

/** Items of a tuple or list, else undefined. */
export function sequenceItems(value: PyValue | undefined): PyValue[] | undefined {
  if (Array.isArray(value)) return value;
  if (isTagged(value) && value.kind === "tuple") return value.items;
  return undefined;
}

/** String-keyed lookup into a PyDict, for walking checkpoints (`dictGet(ckpt, "epoch")`). */
export function dictGet(value: PyValue | undefined, key: string): PyValue | undefined {
  return value instanceof PyDict ? value.get(key) : undefined;
}
