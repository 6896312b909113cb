// What the pickle writer accepts: a small tagged model separate from PyValue so tests can build values tersely.

/** Raw bytes of one torch storage (`data/<key>` in the zip). Tensors sharing this object share the storage. */
export interface WriterStorage {
  /** A dtype with a torch storage class (float32, float16, bfloat16, int64, …). */
  readonly dtype: string;
  /** Element count. */
  readonly numel: number;
  /** @default "cpu" */
  readonly location?: string;
  readonly data?: Uint8Array;
}

export interface WriterTensor {
  readonly kind: "tensor";
  readonly storage: WriterStorage;
  readonly shape: readonly number[];
  /** @default contiguous */
  readonly stride?: readonly number[];
  /** @default 0 */
  readonly storageOffset?: number;
  /** @default false */
  readonly requiresGrad?: boolean;
  /** Wrap in `_rebuild_parameter` (an `nn.Parameter`). @default false */
  readonly parameter?: boolean;
}

/** What the writer can pickle. Plain JS numbers that are integers are written as ints; use `{kind:"float"}` for `1.0`. */
export type PickleInput =
  | null
  | boolean
  | number
  | bigint
  | string
  | PickleInput[]
  | { readonly kind: "tuple"; readonly items: readonly PickleInput[] }
  | {
      readonly kind: "dict";
      readonly entries: ReadonlyArray<readonly [PickleInput, PickleInput]>;
      readonly ordered?: boolean;
    }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "bytes"; readonly data: Uint8Array }
  | { readonly kind: "global"; readonly module: string; readonly name: string }
  | WriterTensor;

/** A dict (insertion order kept); `ordered` writes `collections.OrderedDict` like a torch `state_dict()`. */
export function inputDict(
  entries: Record<string, PickleInput> | Array<[PickleInput, PickleInput]>,
  ordered = false,
) {
  const pairs = Array.isArray(entries) ? entries : Object.entries(entries);
  return { kind: "dict", entries: pairs, ordered } as const;
}

export function inputTuple(...items: PickleInput[]) {
  return { kind: "tuple", items } as const;
}

export function inputFloat(value: number) {
  return { kind: "float", value } as const;
}

/** UTF-8 with Python's `surrogatepass`: lone surrogates become 3-byte sequences instead of U+FFFD. */
export function encodeUtf8SurrogatePass(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (code >= 0xd800 && code < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
      code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
      i += 1;
    }
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else
      out.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 0x3f),
        0x80 | ((code >> 6) & 0x3f),
        0x80 | (code & 0x3f),
      );
  }
  return out;
}
