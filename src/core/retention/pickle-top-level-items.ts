// The byte spans of a torch.save pickle's top-level dict items, found by replaying the opcodes' stack effects
// (never running anything): `PROTO 2, EMPTY_DICT, [BINPUT], (MARK key value … SETITEMS | key value SETITEM)…, STOP`,
// the shape Python's protocol-2 pickler gives a dict. With them: every memo PUT/GET and every storage a
// BINPERSID names, by position, so a caller can tell what a span's removal would break.
import { fail, ok, type Result } from "../result.ts";
import type { PickleOp } from "./pickle-op-walk.ts";
import { MEMO_GETS, MEMO_PUTS, STACK_EFFECTS } from "./pickle-stack-effects.ts";

/** A value as far as the analysis needs it: texts and integers, tuples of them, anything else null. */
type Known = string | number | readonly Known[] | null;
type Slot = { readonly start: number; readonly value: Known; readonly mark: boolean };

/** One top-level `key: value`: `[start, end)` covers the key's and value's opcodes (and a lone SETITEM). */
export type TopLevelItem = { readonly key: Known; readonly start: number; readonly end: number };
export type PositionedIndex = { readonly index: number; readonly at: number };

export type PickleTopLevel = {
  readonly items: readonly TopLevelItem[];
  readonly puts: readonly PositionedIndex[];
  readonly gets: readonly PositionedIndex[];
  /** Each BINPERSID's storage key (`('storage', type, key, location, numel)`), where it is. */
  readonly storages: readonly { readonly key: string; readonly at: number }[];
};

type Replay = PickleTopLevel & {
  items: TopLevelItem[];
  puts: PositionedIndex[];
  gets: PositionedIndex[];
  storages: { key: string; at: number }[];
  stack: Slot[];
  memo: Map<number, Known>;
};

function storageKey(value: Known): string | undefined {
  if (!Array.isArray(value) || value.length !== 5 || value[0] !== "storage") return undefined;
  const key = value[2];
  return typeof key === "string" ? key : undefined;
}

function popped(replay: Replay, op: PickleOp, pops: number | "mark"): Result<Slot[], string> {
  const { stack } = replay;
  if (pops === "mark") {
    let markAt = stack.length - 1;
    while (markAt >= 0 && stack[markAt]?.mark !== true) markAt--;
    if (markAt < 0) return fail(`${op.info.name} at ${op.at} has no MARK`);
    return ok(stack.splice(markAt));
  }
  if (pops === 0) return ok([]);
  if (stack.length < pops || stack.slice(-pops).some((slot) => slot.mark))
    return fail(`${op.info.name} at ${op.at} finds too few items`);
  return ok(stack.splice(stack.length - pops));
}

function pushedValue(replay: Replay, op: PickleOp, taken: readonly Slot[]): Known {
  const name = op.info.name;
  if (MEMO_GETS.has(name)) return replay.memo.get(Number(op.arg)) ?? null;
  if (name === "TUPLE" || name === "TUPLE1" || name === "TUPLE2" || name === "TUPLE3")
    return taken.filter((slot) => !slot.mark).map((slot) => slot.value);
  if (name === "BINPERSID") return null;
  return typeof op.arg === "string" || typeof op.arg === "number" ? op.arg : null;
}

/** Records the pairs a top-level SETITEMS/SETITEM adds to the root dict. */
function recordItems(replay: Replay, op: PickleOp, taken: readonly Slot[]): Result<void, string> {
  const pairs = taken.filter((slot) => !slot.mark);
  if (pairs.length % 2 !== 0) return fail(`${op.info.name} at ${op.at} has an odd number of items`);
  const lone = op.info.name === "SETITEM";
  for (let i = 0; i < pairs.length; i += 2) {
    const key = pairs[i] as Slot;
    const end = lone ? op.end : (pairs[i + 2]?.start ?? op.at);
    replay.items.push({ key: key.value, start: key.start, end });
  }
  return ok(undefined);
}

function note(replay: Replay, op: PickleOp, taken: readonly Slot[]): Result<void, string> {
  const name = op.info.name;
  const index = Number(op.arg);
  if (MEMO_PUTS.has(name)) {
    const top = replay.stack.at(-1);
    if (top === undefined || top.mark) return fail(`${name} at ${op.at} has nothing to memoize`);
    if (replay.memo.has(index)) return fail(`memo index ${index} is written twice`);
    replay.memo.set(index, top.value);
    replay.puts.push({ index, at: op.at });
  }
  if (MEMO_GETS.has(name)) {
    if (!replay.memo.has(index)) return fail(`${name} at ${op.at} reads memo index ${index}, never written`);
    replay.gets.push({ index, at: op.at });
  }
  if (name === "BINPERSID") {
    const key = storageKey(taken[0]?.value ?? null);
    if (key === undefined) return fail(`BINPERSID at ${op.at} is not a ('storage', …) reference`);
    replay.storages.push({ key, at: op.at });
  }
  return ok(undefined);
}

function step(replay: Replay, op: PickleOp): Result<void, string> {
  const effect = STACK_EFFECTS[op.info.name];
  if (effect === undefined)
    return fail(`opcode ${op.info.name} at ${op.at} (torch.save at protocol 2 never writes it)`);
  const taken = popped(replay, op, effect.pops);
  if (!taken.success) return taken;
  if (replay.stack.length === 0) return fail(`${op.info.name} at ${op.at} consumes the top-level dict`);
  const topLevel = replay.stack.length === 1 && (op.info.name === "SETITEMS" || op.info.name === "SETITEM");
  if (topLevel) {
    const recorded = recordItems(replay, op, taken.data);
    if (!recorded.success) return recorded;
  } else if (replay.stack.length === 1 && effect.pushes === 0 && effect.pops !== 0)
    return fail(`${op.info.name} at ${op.at} changes the top-level dict other than by setting items`);
  const start = taken.data[0]?.start ?? op.at;
  if (effect.pushes === 1)
    replay.stack.push({ start, value: pushedValue(replay, op, taken.data), mark: op.info.name === "MARK" });
  return note(replay, op, taken.data);
}

/** The top-level items of a torch.save pickle, or why its stream is not that plain shape. */
export function pickleTopLevel(ops: readonly PickleOp[]): Result<PickleTopLevel, string> {
  const [proto, root] = ops;
  if (proto?.info.name !== "PROTO" || proto.arg !== 2)
    return fail(`it does not start with PROTO 2 (torch.save's protocol)`);
  if (root?.info.name !== "EMPTY_DICT") return fail("its top level is not a plain dict");
  const replay: Replay = {
    items: [],
    puts: [],
    gets: [],
    storages: [],
    stack: [{ start: root.at, value: null, mark: false }],
    memo: new Map(),
  };
  for (const op of ops.slice(2)) {
    if (op.info.name === "MEMOIZE") return fail(`MEMOIZE at ${op.at} (implicit memo indices would shift)`);
    const stepped = step(replay, op);
    if (!stepped.success) return stepped;
  }
  if (replay.stack.length !== 1) return fail("the stream leaves more than the top-level dict on the stack");
  const { stack: _stack, memo: _memo, ...layout } = replay;
  return ok(layout);
}
