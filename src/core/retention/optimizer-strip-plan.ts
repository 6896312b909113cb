// Which bytes of a torch.save data.pkl go when a checkpoint loses its optimizer state: the top-level
// `optimizer_states` + `lr_schedulers` items (Lightning; what its own save_weights_only leaves out, and a scheduler
// without its optimizer resumes nothing) or `optimizer` (a plain torch dict). The pickle is never re-serialised:
// the items' opcode spans are cut out and everything else is kept byte for byte, which is only sound when nothing
// kept refers into a cut span. Anything unusual is refused with the reason.
import { fail, ok, type Result } from "../result.ts";
import { walkPickleOps } from "./pickle-op-walk.ts";
import { type PickleTopLevel, pickleTopLevel, type TopLevelItem } from "./pickle-top-level-items.ts";

export const LIGHTNING_OPTIMIZER_KEYS = ["optimizer_states", "lr_schedulers"] as const;
export const PLAIN_OPTIMIZER_KEYS = ["optimizer"] as const;

/** `absent`: no optimizer key at the top level (nothing to do); `refused`: there is one, but cutting it is unsafe. */
export type StripRefusal = { readonly code: "absent" | "refused"; readonly message: string };

export type OptimizerStripPlan = {
  /** The top-level keys cut, in stream order. */
  readonly removedKeys: readonly string[];
  /** The new data.pkl: the old one without the removed items' bytes. */
  readonly dataPkl: Uint8Array;
  /** Storage keys (`data/<key>`) that only the removed items referenced. */
  readonly droppedStorages: ReadonlySet<string>;
};

type Span = { readonly start: number; readonly end: number; readonly key: string };

const refused = (message: string) => fail<StripRefusal>({ code: "refused", message });
const inside = (at: number, spans: readonly Span[]) =>
  spans.some((span) => at >= span.start && at < span.end);

/** The keys to cut for this dict's keys, or null when it holds no optimizer state. */
export function optimizerKeysOf(keys: readonly unknown[]): readonly string[] | null {
  if (keys.includes("optimizer_states")) return LIGHTNING_OPTIMIZER_KEYS.filter((key) => keys.includes(key));
  if (keys.includes("optimizer")) return [...PLAIN_OPTIMIZER_KEYS];
  return null;
}

function spansOf(items: readonly TopLevelItem[], keys: readonly string[]): Result<Span[], StripRefusal> {
  const spans: Span[] = [];
  for (const key of keys) {
    const found = items.filter((item) => item.key === key);
    if (found.length !== 1) return refused(`the top-level key '${key}' appears ${found.length} times`);
    const [item] = found as [TopLevelItem];
    spans.push({ start: item.start, end: item.end, key });
  }
  return ok(spans.sort((a, b) => a.start - b.start));
}

/** A memo entry written inside a cut span and read outside it would dangle: refuse. */
function danglingMemo(layout: PickleTopLevel, spans: readonly Span[]): string | undefined {
  const cut = new Map<number, string>();
  for (const put of layout.puts) {
    const span = spans.find((each) => put.at >= each.start && put.at < each.end);
    if (span !== undefined) cut.set(put.index, span.key);
  }
  const get = layout.gets.find((each) => cut.has(each.index) && !inside(each.at, spans));
  return get === undefined
    ? undefined
    : `memo index ${get.index}, written inside '${cut.get(get.index)}', is read at byte ${get.at} outside it`;
}

function droppedStorages(layout: PickleTopLevel, spans: readonly Span[]): Set<string> {
  const kept = new Set<string>();
  const cut = new Set<string>();
  for (const storage of layout.storages) (inside(storage.at, spans) ? cut : kept).add(storage.key);
  for (const key of kept) cut.delete(key);
  return cut;
}

function without(bytes: Uint8Array, spans: readonly Span[]): Uint8Array {
  const removed = spans.reduce((total, span) => total + span.end - span.start, 0);
  const out = new Uint8Array(bytes.length - removed);
  let from = 0;
  let to = 0;
  for (const span of spans) {
    out.set(bytes.subarray(from, span.start), to);
    to += span.start - from;
    from = span.end;
  }
  out.set(bytes.subarray(from), to);
  return out;
}

/** Plans the cut of a torch.save data.pkl's optimizer items, or says why not (or that there are none). */
export function planOptimizerStrip(dataPkl: Uint8Array): Result<OptimizerStripPlan, StripRefusal> {
  const ops = walkPickleOps(dataPkl);
  if (!ops.success) return refused(`data.pkl cannot be walked: ${ops.error}`);
  const layout = pickleTopLevel(ops.data);
  if (!layout.success) {
    const keys = ops.data.flatMap((op) => (typeof op.arg === "string" ? [op.arg] : []));
    if (optimizerKeysOf(keys) === null)
      return fail({ code: "absent", message: "no top-level optimizer_states or optimizer key" });
    return refused(`data.pkl is not the plain shape ckpt can cut: ${layout.error}`);
  }
  const keys = optimizerKeysOf(layout.data.items.map((item) => item.key));
  if (keys === null)
    return fail({ code: "absent", message: "no top-level optimizer_states or optimizer key" });
  const spans = spansOf(layout.data.items, keys);
  if (!spans.success) return spans;
  const dangling = danglingMemo(layout.data, spans.data);
  if (dangling !== undefined) return refused(dangling);
  const dropped = droppedStorages(layout.data, spans.data);
  // Rewriting a multi-GB file to save the few bytes of an empty optimizer item would only cost.
  if (dropped.size === 0)
    return fail({ code: "absent", message: `no tensor is only in ${keys.join(" or ")}` });
  return ok({
    removedKeys: spans.data.map((span) => span.key),
    dataPkl: without(dataPkl, spans.data),
    droppedStorages: dropped,
  });
}
