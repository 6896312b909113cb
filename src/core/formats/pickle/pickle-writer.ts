import { assertNever } from "../../assert-never.ts";
import {
  encodeUtf8SurrogatePass,
  type PickleInput,
  type WriterStorage,
  type WriterTensor,
} from "./pickle-input.ts";
import { latin1 } from "./pickle-text.ts";
import { dtypeSizes } from "./torch-dtypes.ts";

export interface PickleWriteResult {
  readonly bytes: Uint8Array;
  /** Storages in key order ("0", "1", …): what a zip writer emits as `data/<key>`. */
  readonly storages: ReadonlyArray<{ readonly key: string; readonly storage: WriterStorage }>;
}

const storageClass: Readonly<Record<string, string>> = {
  float64: "DoubleStorage",
  float32: "FloatStorage",
  float16: "HalfStorage",
  bfloat16: "BFloat16Storage",
  int64: "LongStorage",
  int32: "IntStorage",
  int16: "ShortStorage",
  int8: "CharStorage",
  uint8: "ByteStorage",
  bool: "BoolStorage",
  complex128: "ComplexDoubleStorage",
  complex64: "ComplexFloatStorage",
};

/** Pickles `value` with protocol 2, the way `torch.save` does (tensors as `_rebuild_tensor_v2` + BINPERSID). */
export function writePickle(value: PickleInput): PickleWriteResult {
  const writer = new PickleWriter();
  writer.raw(0x80, 2);
  writer.save(value);
  writer.raw(0x2e);
  return { bytes: writer.finish(), storages: writer.storages };
}

class PickleWriter {
  private chunks: Uint8Array[] = [];
  private current: number[] = [];
  private readonly memo = new Map<object | string, number>();
  private readonly storageKeys = new Map<WriterStorage, string>();
  readonly storages: Array<{ key: string; storage: WriterStorage }> = [];

  raw(...bytes: number[]): void {
    for (const byte of bytes) this.current.push(byte);
    if (this.current.length > 65536) this.flush();
  }

  private flush(): void {
    this.chunks.push(Uint8Array.from(this.current));
    this.current = [];
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  private u32(value: number): void {
    this.raw(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
  }

  private put(key: object | string): void {
    const index = this.memo.size;
    this.memo.set(key, index);
    if (index < 256) this.raw(0x71, index);
    else {
      this.raw(0x72);
      this.u32(index);
    }
  }

  private get(index: number): void {
    if (index < 256) this.raw(0x68, index);
    else {
      this.raw(0x6a);
      this.u32(index);
    }
  }

  save(value: PickleInput): void {
    if (typeof value === "object" && value !== null) this.saveObject(value);
    else if (typeof value === "number") {
      if (Number.isInteger(value)) this.int(BigInt(value));
      else this.float(value);
    } else if (typeof value === "bigint") this.int(value);
    else if (typeof value === "string") this.string(value);
    else this.raw(value === null ? 0x4e : value ? 0x88 : 0x89);
  }

  private saveObject(value: Exclude<PickleInput, null | boolean | number | bigint | string>): void {
    const seen = this.memo.get(value);
    if (seen !== undefined) this.get(seen);
    else if (Array.isArray(value)) this.list(value);
    else this.saveTagged(value);
  }

  private saveTagged(
    value: Exclude<PickleInput, null | boolean | number | bigint | string | PickleInput[]>,
  ): void {
    switch (value.kind) {
      case "tuple":
        this.tuple(value.items);
        break;
      case "dict":
        this.dict(value.entries, value.ordered === true, value);
        break;
      case "float":
        this.float(value.value);
        break;
      case "bytes":
        this.bytes(value.data);
        break;
      case "global":
        this.global(value.module, value.name);
        break;
      case "tensor":
        this.tensor(value);
        break;
      default:
        assertNever(value);
    }
  }

  private int(value: bigint): void {
    if (value >= 0n && value < 256n) this.raw(0x4b, Number(value));
    else if (value >= 0n && value < 65536n) this.raw(0x4d, Number(value) & 0xff, Number(value) >> 8);
    else if (value >= -(2n ** 31n) && value < 2n ** 31n) {
      this.raw(0x4a);
      this.u32(Number(BigInt.asUintN(32, value)));
    } else this.long(value);
  }

  private long(value: bigint): void {
    const bytes: number[] = [];
    let rest = value;
    while (rest !== 0n && rest !== -1n) {
      bytes.push(Number(rest & 0xffn));
      rest >>= 8n;
    }
    const last = bytes[bytes.length - 1] ?? 0;
    if (value > 0n && last & 0x80) bytes.push(0);
    if (value < 0n && !(last & 0x80)) bytes.push(0xff);
    if (bytes.length < 256) this.raw(0x8a, bytes.length, ...bytes);
    else {
      this.raw(0x8b);
      this.u32(bytes.length);
      this.raw(...bytes);
    }
  }

  private float(value: number): void {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value, false);
    this.raw(0x47, ...new Uint8Array(view.buffer));
  }

  private string(value: string): void {
    const encoded = encodeUtf8SurrogatePass(value);
    this.raw(0x58);
    this.u32(encoded.length);
    for (const byte of encoded) this.raw(byte);
  }

  private bytes(data: Uint8Array): void {
    // Protocol 2 has no bytes opcode: Python writes `_codecs.encode(<latin-1 text>, 'latin1')`.
    this.global("_codecs", "encode");
    this.string(latin1(data));
    this.string("latin1");
    this.raw(0x86, 0x52);
  }

  private global(module: string, name: string): void {
    const key = `global:${module}\n${name}`;
    const seen = this.memo.get(key);
    if (seen !== undefined) {
      this.get(seen);
      return;
    }
    this.raw(0x63, ...new TextEncoder().encode(`${module}\n${name}\n`));
    this.put(key);
  }

  private tuple(items: readonly PickleInput[]): void {
    if (items.length === 0) {
      this.raw(0x29);
      return;
    }
    if (items.length > 3) this.raw(0x28);
    for (const item of items) this.save(item);
    this.raw(items.length > 3 ? 0x74 : ([0, 0x85, 0x86, 0x87][items.length] ?? 0x74));
  }

  private list(items: readonly PickleInput[]): void {
    this.raw(0x5d);
    this.put(items);
    for (let i = 0; i < items.length; i += 1000) {
      this.raw(0x28);
      for (const item of items.slice(i, i + 1000)) this.save(item);
      this.raw(0x65);
    }
  }

  private dict(
    entries: ReadonlyArray<readonly [PickleInput, PickleInput]>,
    ordered: boolean,
    identity: object,
  ): void {
    if (ordered) {
      this.global("collections", "OrderedDict");
      this.raw(0x29, 0x52);
    } else this.raw(0x7d);
    this.put(identity);
    for (let i = 0; i < entries.length; i += 1000) {
      this.raw(0x28);
      for (const [key, item] of entries.slice(i, i + 1000)) {
        this.save(key);
        this.save(item);
      }
      this.raw(0x75);
    }
  }

  private storageKey(storage: WriterStorage): string {
    let key = this.storageKeys.get(storage);
    if (key === undefined) {
      key = String(this.storageKeys.size);
      this.storageKeys.set(storage, key);
      this.storages.push({ key, storage });
    }
    return key;
  }

  private tensor(tensor: WriterTensor): void {
    if (tensor.parameter) this.global("torch._utils", "_rebuild_parameter");
    this.global("torch._utils", "_rebuild_tensor_v2");
    this.raw(0x28, 0x28);
    this.string("storage");
    this.global("torch", storageClass[tensor.storage.dtype] ?? "FloatStorage");
    this.string(this.storageKey(tensor.storage));
    this.string(tensor.storage.location ?? "cpu");
    this.int(BigInt(tensor.storage.numel));
    this.raw(0x74, 0x51);
    this.int(BigInt(tensor.storageOffset ?? 0));
    this.tuple(tensor.shape);
    this.tuple(tensor.stride ?? contiguous(tensor.shape));
    this.save(tensor.parameter ? false : (tensor.requiresGrad ?? false));
    this.global("collections", "OrderedDict");
    this.raw(0x29, 0x52, 0x74, 0x52);
    if (!tensor.parameter) return;
    this.save(tensor.requiresGrad ?? true);
    this.global("collections", "OrderedDict");
    this.raw(0x29, 0x52, 0x87, 0x52);
  }
}

function contiguous(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) stride[i] = (stride[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  return stride;
}

/** Bytes per element of a writer dtype (for sizing `data/<key>`). */
export function writerElementSize(dtype: string): number {
  return dtypeSizes[dtype] ?? 4;
}
