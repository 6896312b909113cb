import { keyHash } from "./py-key-hash.ts";
import type { PyValue } from "./py-value.ts";

/** The empty key and value list of every dict that has no item yet; frozen, so a missed copy fails loudly. */
const noItems: PyValue[] = Object.freeze([]) as unknown as PyValue[];

/** An insertion-ordered dict with arbitrary keys (ints, tuples, classes …), Python equality for hashable keys. */
export class PyDict {
  readonly kind = "dict" as const;
  /** e.g. `collections.OrderedDict`, `collections.defaultdict`; undefined for a plain dict. */
  className: string | undefined;
  defaultFactory: PyValue | undefined;
  /** Attributes set by BUILD (OrderedDict `_metadata`), never merged into the items. */
  attributes: PyDict | undefined;
  // Both lists start as one shared empty list and are made on the first item: every tensor carries an empty hooks
  // OrderedDict (two for an nn.Parameter), so most dicts a checkpoint holds never get an item.
  private keyList: PyValue[] = noItems;
  private valueList: PyValue[] = noItems;
  // String keys (almost all of them in checkpoints) are found by a scan while the dict is small and through a Map
  // once it grows; other keys by Python-equality hash. Both indexes are made on first need: most dicts are small.
  private stringIndex: Map<string, number> | undefined;
  private hashIndex: Map<string, number> | undefined;

  get size(): number {
    return this.keyList.length;
  }

  private indexOf(key: PyValue): number | undefined {
    if (typeof key !== "string") return this.hashIndex?.get(keyHash(key));
    if (this.stringIndex !== undefined) return this.stringIndex.get(key);
    const keys = this.keyList;
    if (keys.length > smallDictScan) return this.indexStrings().get(key);
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return i;
    return undefined;
  }

  set(key: PyValue, value: PyValue): void {
    const at = this.indexOf(key);
    if (at !== undefined) {
      this.valueList[at] = value;
      return;
    }
    const index = this.keyList.length;
    if (index === 0) {
      this.keyList = [];
      this.valueList = [];
    }
    this.keyList.push(key);
    this.valueList.push(value);
    if (typeof key !== "string") {
      this.hashIndex ??= new Map();
      this.hashIndex.set(keyHash(key), index);
    } else if (this.stringIndex !== undefined) this.stringIndex.set(key, index);
    else if (index >= smallDictScan) this.indexStrings();
  }

  /** `set` for each key/value pair of `items[from, to)`, in order (SETITEMS reads them off the stack in place). */
  setPairs(items: readonly PyValue[], range: { readonly from: number; readonly to: number }): void {
    const { from, to } = range;
    // A batch that takes the dict past the scan limit is indexed first: its first keys would otherwise each be
    // compared with all those before it (a state dict's keys, many of the same length) and then indexed anyway.
    if (this.stringIndex === undefined && this.keyList.length + (to - from) / 2 > smallDictScan)
      this.indexStrings();
    for (let i = from; i < to; i += 2) this.set(items[i] ?? null, items[i + 1] ?? null);
  }

  private indexStrings(): Map<string, number> {
    const index = new Map<string, number>();
    const keys = this.keyList;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (typeof key === "string") index.set(key, i);
    }
    this.stringIndex = index;
    return index;
  }

  get(key: PyValue): PyValue | undefined {
    const at = this.indexOf(key);
    return at === undefined ? undefined : this.valueList[at];
  }

  has(key: PyValue): boolean {
    return this.indexOf(key) !== undefined;
  }

  keys(): readonly PyValue[] {
    return this.keyList;
  }

  /** Values in key order (`values()[i]` belongs to `keys()[i]`). */
  values(): readonly PyValue[] {
    return this.valueList;
  }

  /** Sets every item of `source` in order (Python's `dict.update`). */
  update(source: PyDict): void {
    if (this.keyList.length === 0) {
      this.copyFrom(source);
      return;
    }
    const keys = source.keyList;
    const values = source.valueList;
    for (let i = 0; i < keys.length; i++) this.set(keys[i] as PyValue, values[i] as PyValue);
  }

  // BUILD copies each object's whole `__dict__` into an empty attribute dict: copy the arrays and indexes at once.
  private copyFrom(source: PyDict): void {
    this.keyList = source.keyList.slice();
    this.valueList = source.valueList.slice();
    // The string index is not copied: it is rebuilt on the first lookup that needs it (a module's `__dict__` is
    // copied once per pickled nn.Module and then asked for four keys, or none).
    if (source.hashIndex !== undefined) this.hashIndex = new Map(source.hashIndex);
  }

  entries(): IterableIterator<[PyValue, PyValue]> {
    const keys = this.keyList;
    const values = this.valueList;
    let i = 0;
    // A plain iterator, not a generator: entries() is called on every dict the reports walk.
    const iterator: IterableIterator<[PyValue, PyValue]> = {
      next: () =>
        i < keys.length
          ? { done: false, value: [keys[i] as PyValue, values[i++] as PyValue] }
          : { done: true, value: undefined },
      [Symbol.iterator]: () => iterator,
    };
    return iterator;
  }
}

/**
 * Up to this many keys a string lookup scans the key list (cheaper than keeping a Map per small dict). A pickled
 * nn.Module's `__dict__` has ~20 keys: at 8 each one built a Map while its items were set (and again on lookup).
 */
const smallDictScan = 32;
