import { applyBuild, callReconstructor, newInstance, resolveGlobal } from "./known-reconstructors.ts";
import type { PickleMachine } from "./pickle-machine.ts";
import { highestPickleProtocol, type PickleOpName } from "./pickle-opcodes.ts";
import type { PickleArg } from "./pickle-reader.ts";
import { parsePyFloat, parsePyInt } from "./pickle-text.ts";
import { PyDict } from "./py-dict.ts";
import { isTagged, type PyValue, pyBytes, pySet, pyTuple, sequenceItems } from "./py-value.ts";

/** What a handler does with the machine; STOP is handled by the interpreter loop. */
type OpHandler = (m: PickleMachine, arg: PickleArg) => void;

const num = (arg: PickleArg): number => (typeof arg === "number" ? arg : 0);
const str = (arg: PickleArg): string => (typeof arg === "string" ? arg : "");
const pair = (arg: PickleArg): readonly [string, string] =>
  Array.isArray(arg) ? (arg as readonly [string, string]) : ["", ""];

function pushText(m: PickleMachine, arg: PickleArg): void {
  const text = str(arg);
  m.charge(16 + text.length * 2);
  m.push(text);
}

function pushBytes(m: PickleMachine, arg: PickleArg, mutable: boolean): void {
  const data = arg instanceof Uint8Array ? arg : new Uint8Array(0);
  m.charge(16 + data.length);
  m.push(pyBytes(data, mutable));
}

function pushInt(m: PickleMachine, arg: PickleArg): void {
  const value = typeof arg === "number" || typeof arg === "bigint" ? arg : undefined;
  if (value === undefined) m.fail("bad-argument", "integer argument is missing");
  m.charge(typeof value === "bigint" ? 16 + value.toString(16).length : 16);
  m.push(value);
}

function textInt(m: PickleMachine, arg: PickleArg): number | bigint {
  const value = parsePyInt(str(arg));
  if (value === undefined) return m.fail("bad-argument", `"${str(arg).slice(0, 40)}" is not an integer`);
  return value;
}

function global(
  m: PickleMachine,
  module: string,
  name: string,
  opcode: "GLOBAL" | "STACK_GLOBAL" | "INST",
): PyValue {
  if (m.globals.length < 100_000) m.globals.push({ module, name, offset: m.op?.offset ?? 0, opcode });
  if (!m.reconstruct) return { kind: "global", module, name, rawModule: module, rawName: name };
  return resolveGlobal(module, name);
}

function call(m: PickleMachine, callable: PyValue, args: PyValue): PyValue {
  if (!m.reconstruct) return callReconstructorRaw(callable, args);
  return callReconstructor(callable, args);
}

function callReconstructorRaw(callable: PyValue, args: PyValue): PyValue {
  const base = { state: undefined, attributes: undefined, dictItems: undefined, listItems: undefined };
  return { kind: "reduce", callable, args, ...base };
}

function instantiate(
  m: PickleMachine,
  options: { cls: PyValue; args: PyValue[]; kwargs?: PyDict; via: "newobj" | "inst" | "obj" },
) {
  m.charge(64 + 8 * options.args.length);
  if (!m.reconstruct) {
    const base = { state: undefined, attributes: undefined, dictItems: undefined, listItems: undefined };
    return m.push({
      kind: "object",
      class: options.cls,
      args: options.args,
      kwargs: options.kwargs,
      via: options.via,
      ...base,
    });
  }
  m.push(newInstance(options));
}

function persistent(m: PickleMachine, pid: PyValue): void {
  const items = sequenceItems(pid);
  if (items?.[0] !== "storage") m.note("persistent-id-not-storage", describe(pid));
  const loaded = m.persistentLoad(pid);
  if (m.onStorage !== undefined && isTagged(loaded) && loaded.kind === "storage") m.onStorage(loaded);
  m.push(loaded);
}

function describe(value: PyValue): string {
  const items = sequenceItems(value);
  if (items)
    return `tuple starting with ${typeof items[0] === "string" ? `'${items[0].slice(0, 40)}'` : typeof items[0]}`;
  return typeof value === "string" ? `'${value.slice(0, 40)}'` : typeof value;
}

function tupleOf(m: PickleMachine, count: number): void {
  const items: PyValue[] = new Array(count);
  for (let i = count - 1; i >= 0; i--) items[i] = m.pop();
  m.charge(16 + 8 * count);
  m.push(pyTuple(items));
}

function proto(m: PickleMachine, arg: PickleArg): void {
  const version = num(arg);
  if (version > highestPickleProtocol) m.fail("unsupported-protocol", `protocol ${version} is newer than 5`);
  if (m.protocol !== undefined) m.note("proto-repeated", `PROTO ${version} after PROTO ${m.protocol}`);
  else if ((m.op?.offset ?? 0) !== m.startOffset)
    m.note("proto-not-first", `PROTO ${version} is not the first opcode`);
  m.protocol = version;
}

function build(m: PickleMachine): void {
  const state = m.pop();
  const target = m.top();
  if (!applyBuild(target, state))
    m.note("build-ignored", `BUILD on a ${isTagged(target) ? target.kind : typeof target}`);
}

function reduce(m: PickleMachine): void {
  const args = m.pop();
  const callable = m.pop();
  m.charge(64);
  m.push(call(m, callable, args));
}

function unsupported(what: string): OpHandler {
  return (m) => m.fail("unsupported-opcode", what);
}

// `()` is one object in Python too; every tensor's hooks `OrderedDict()` is called with it.
const emptyTuple = pyTuple(Object.freeze([]) as unknown as PyValue[]);

const memoIndex = (m: PickleMachine, arg: PickleArg): number => Number(textInt(m, arg));

/** Every opcode except STOP. A missing entry is a type error, so the table stays exhaustive. */
export const opHandlers: Record<Exclude<PickleOpName, "STOP">, OpHandler> = {
  PROTO: proto,
  FRAME: () => undefined,
  MARK: (m) => m.mark(),
  POP: (m) => (m.hasItemsAboveMark() ? void m.pop() : void m.popMark()),
  POP_MARK: (m) => void m.popMark(),
  DUP: (m) => m.push(m.top()),
  NONE: (m) => m.push(null),
  NEWTRUE: (m) => m.push(true),
  NEWFALSE: (m) => m.push(false),
  INT: (m, arg) => {
    const text = str(arg).trim();
    m.push(text === "01" ? true : text === "00" ? false : textInt(m, arg));
  },
  LONG: (m, arg) => pushInt(m, textInt(m, arg)),
  BININT: pushInt,
  BININT1: pushInt,
  BININT2: pushInt,
  LONG1: pushInt,
  LONG4: pushInt,
  FLOAT: (m, arg) => {
    const value = parsePyFloat(str(arg));
    if (value === undefined) return m.fail("bad-argument", `"${str(arg).slice(0, 40)}" is not a float`);
    m.push(value);
  },
  BINFLOAT: (m, arg) => m.push(num(arg)),
  STRING: pushText,
  BINSTRING: pushText,
  SHORT_BINSTRING: pushText,
  UNICODE: pushText,
  BINUNICODE: pushText,
  SHORT_BINUNICODE: pushText,
  BINUNICODE8: pushText,
  BINBYTES: (m, arg) => pushBytes(m, arg, false),
  SHORT_BINBYTES: (m, arg) => pushBytes(m, arg, false),
  BINBYTES8: (m, arg) => pushBytes(m, arg, false),
  BYTEARRAY8: (m, arg) => pushBytes(m, arg, true),
  NEXT_BUFFER: unsupported("out-of-band buffers (protocol 5) exist only in the writing process"),
  READONLY_BUFFER: unsupported("out-of-band buffers (protocol 5) exist only in the writing process"),
  EMPTY_TUPLE: (m) => m.push(emptyTuple),
  TUPLE: (m) => m.push(pyTuple(m.popMark())),
  TUPLE1: (m) => tupleOf(m, 1),
  TUPLE2: (m) => tupleOf(m, 2),
  TUPLE3: (m) => tupleOf(m, 3),
  EMPTY_LIST: (m) => m.push([]),
  LIST: (m) => m.push(m.popMark()),
  APPEND: (m) => {
    const value = m.pop();
    m.charge(8);
    m.appendItems(m.top(), [value]);
  },
  APPENDS: (m) => {
    const items = m.popMark();
    m.appendItems(m.top(), items);
  },
  EMPTY_DICT: (m) => m.push(new PyDict()),
  DICT: (m) => {
    const items = m.popMark();
    const dict = new PyDict();
    m.setItems(dict, items);
    m.push(dict);
  },
  SETITEM: (m) => {
    const value = m.pop();
    const key = m.pop();
    m.charge(16);
    m.setItems(m.top(), [key, value]);
  },
  SETITEMS: (m) => m.setItemsFromMark(),
  EMPTY_SET: (m) => m.push(pySet([], false)),
  ADDITEMS: (m) => {
    const items = m.popMark();
    const target = m.top();
    if (!isTagged(target) || target.kind !== "set")
      return m.fail("type-error", "ADDITEMS target is not a set");
    m.appendItems(target, items);
  },
  FROZENSET: (m) => m.push(pySet(m.popMark(), true)),
  PUT: (m, arg) => m.memoPut(memoIndex(m, arg), m.top()),
  BINPUT: (m, arg) => m.memoPut(num(arg), m.top()),
  LONG_BINPUT: (m, arg) => m.memoPut(num(arg), m.top()),
  MEMOIZE: (m) => m.memoPut(m.memoSize, m.top()),
  GET: (m, arg) => m.push(m.memoGet(memoIndex(m, arg))),
  BINGET: (m, arg) => m.push(m.memoGet(num(arg))),
  LONG_BINGET: (m, arg) => m.push(m.memoGet(num(arg))),
  GLOBAL: (m, arg) => m.push(global(m, pair(arg)[0], pair(arg)[1], "GLOBAL")),
  STACK_GLOBAL: (m) => {
    const name = m.pop();
    const module = m.pop();
    if (typeof module !== "string" || typeof name !== "string") {
      return m.fail("type-error", "STACK_GLOBAL needs two strings (module, name)");
    }
    m.push(global(m, module, name, "STACK_GLOBAL"));
  },
  INST: (m, arg) => {
    const cls = global(m, pair(arg)[0], pair(arg)[1], "INST");
    instantiate(m, { cls, args: m.popMark(), via: "inst" });
  },
  OBJ: (m) => {
    const [cls = null, ...args] = m.popMark();
    instantiate(m, { cls, args, via: "obj" });
  },
  NEWOBJ: (m) => {
    const args = m.pop();
    const cls = m.pop();
    instantiate(m, { cls, args: sequenceItems(args) ?? [args], via: "newobj" });
  },
  NEWOBJ_EX: (m) => {
    const kwargs = m.pop();
    const args = m.pop();
    const cls = m.pop();
    const kw = kwargs instanceof PyDict && kwargs.size > 0 ? kwargs : undefined;
    instantiate(m, {
      cls,
      args: sequenceItems(args) ?? [args],
      ...(kw ? { kwargs: kw } : {}),
      via: "newobj",
    });
  },
  REDUCE: reduce,
  BUILD: build,
  PERSID: (m, arg) => persistent(m, str(arg)),
  BINPERSID: (m) => persistent(m, m.pop()),
  EXT1: unsupported("EXT1 refers to the writer's copyreg extension registry"),
  EXT2: unsupported("EXT2 refers to the writer's copyreg extension registry"),
  EXT4: unsupported("EXT4 refers to the writer's copyreg extension registry"),
};
