import { canonicalName, normaliseModule } from "./global-names.ts";
import { applyNumpyBuild, numpyDtype, numpyReconstruct, numpyScalar } from "./numpy-reconstructors.ts";
import { PyDict } from "./py-dict.ts";
import {
  isTagged,
  type PyGlobal,
  type PyObject,
  type PyReduce,
  type PyValue,
  pySet,
  pyTuple,
  sequenceItems,
} from "./py-value.ts";
import { copyregReconstructor, type Reconstructor, stdlibReconstructors } from "./stdlib-reconstructors.ts";
import { torchDtypeGlobal, torchRebuilders } from "./torch-reconstructors.ts";

const numpyReconstructors: Readonly<Record<string, Reconstructor>> = {
  "numpy.core.multiarray.scalar": numpyScalar,
  "numpy.core.multiarray._reconstruct": numpyReconstruct,
  "numpy.dtype": numpyDtype,
};

/** GLOBAL → a class/function reference, or a torch dtype value. */
export function resolveGlobal(rawModule: string, rawName: string): PyValue {
  const module = normaliseModule(rawModule);
  const dtype = torchDtypeGlobal(module, rawName);
  if (dtype !== undefined) return { kind: "dtype", name: dtype };
  return { kind: "global", module, name: rawName, rawModule, rawName };
}

// A pickle memoizes each global once and REDUCEs it thousands of times (one `_rebuild_tensor_v2` per tensor): the
// reconstructor is looked up once per global object.
const reconstructorOf = new WeakMap<PyGlobal, Reconstructor | null>();

function lookup(callable: PyGlobal): Reconstructor | undefined {
  let found = reconstructorOf.get(callable);
  if (found === undefined) {
    found = lookupByName(callable) ?? null;
    reconstructorOf.set(callable, found);
  }
  return found ?? undefined;
}

function lookupByName(callable: PyGlobal): Reconstructor | undefined {
  const key = canonicalName(callable.module, callable.name);
  const torch = torchRebuilders[key];
  if (torch) return (args) => torch(args, callReconstructor);
  if (key === "copyreg._reconstructor") return copyregReconstructor;
  if (key === "copyreg.__newobj__")
    return (args) => newInstance({ cls: args[0] ?? null, args: args.slice(1) });
  return stdlibReconstructors[key] ?? numpyReconstructors[key];
}

function isPlainScalar(value: PyValue | undefined): boolean {
  return value === null || ["string", "number", "bigint", "boolean"].includes(typeof value);
}

// Enum-by-value: `GLOBAL mod Cls` + REDUCE `(value,)` where Cls looks like a class name.
function looksLikeEnumCall(callable: PyGlobal, args: readonly PyValue[]): boolean {
  return args.length === 1 && isPlainScalar(args[0]) && /^[A-Z]/.test(callable.name);
}

function opaqueReduce(callable: PyValue, args: PyValue): PyReduce {
  return {
    kind: "reduce",
    callable,
    args,
    state: undefined,
    attributes: undefined,
    dictItems: undefined,
    listItems: undefined,
  };
}

/** REDUCE: a known reconstructor builds a plain value; anything else is recorded, never called. */
export function callReconstructor(callable: PyValue, args: PyValue): PyValue {
  const items = sequenceItems(args);
  if (!items || !isTagged(callable) || callable.kind !== "global") return opaqueReduce(callable, args);
  const reconstructor = lookup(callable);
  if (reconstructor) return reconstructor(items) ?? opaqueReduce(callable, args);
  if (looksLikeEnumCall(callable, items)) return { kind: "enum", class: callable, value: items[0] ?? null };
  return opaqueReduce(callable, args);
}

const emptyInstances: Readonly<Record<string, () => PyValue>> = {
  "builtins.dict": () => new PyDict(),
  "builtins.list": () => [],
  "builtins.set": () => pySet([], false),
  "builtins.tuple": () => pyTuple([]),
  "collections.OrderedDict": () => {
    const dict = new PyDict();
    dict.className = "collections.OrderedDict";
    return dict;
  },
};

/** NEWOBJ/NEWOBJ_EX/INST/OBJ: `cls.__new__(cls, *args)` recorded as an opaque object (state comes via BUILD). */
export function newInstance(options: {
  cls: PyValue;
  args: PyValue[];
  kwargs?: PyDict;
  via?: PyObject["via"];
}): PyValue {
  const { cls, args } = options;
  const via = options.via ?? "newobj";
  if (isTagged(cls) && cls.kind === "global") {
    const key = canonicalName(cls.module, cls.name);
    const empty = emptyInstances[key];
    if (empty && args.length === 0) return empty();
    // INST/OBJ call the class: known reconstructors apply as for REDUCE.
    if (via === "inst" || via === "obj") {
      const reconstructor = lookup(cls);
      const made = reconstructor?.(args);
      if (made !== undefined) return made;
    }
  }
  return {
    kind: "object",
    class: cls,
    args,
    kwargs: options.kwargs,
    state: undefined,
    attributes: undefined,
    dictItems: undefined,
    listItems: undefined,
    via,
  };
}

function mergeInto(target: PyDict, source: PyValue | undefined): void {
  if (source instanceof PyDict) target.update(source);
}

/** The attribute dict(s) BUILD state carries: a dict, or `(dict | None, slots dict)`. */
function stateAttributes(state: PyValue): PyDict[] {
  if (state instanceof PyDict) return [state];
  const items = sequenceItems(state);
  if (items?.length === 2 && !Array.isArray(state)) {
    return items.filter((part): part is PyDict => part instanceof PyDict);
  }
  return [];
}

/** BUILD. Dicts get attributes (never items); objects get state + attributes. False: nothing could take it. */
export function applyBuild(target: PyValue, state: PyValue): boolean {
  if (applyNumpyBuild(target, state)) return true;
  if (target instanceof PyDict) {
    const parts = stateAttributes(state);
    if (parts.length === 0) return false;
    target.attributes ??= new PyDict();
    for (const part of parts) mergeInto(target.attributes, part);
    return true;
  }
  if (!isTagged(target) || (target.kind !== "object" && target.kind !== "reduce")) return false;
  target.state = state;
  const parts = stateAttributes(state);
  if (parts.length > 0) {
    target.attributes ??= new PyDict();
    for (const part of parts) mergeInto(target.attributes, part);
  }
  return true;
}
