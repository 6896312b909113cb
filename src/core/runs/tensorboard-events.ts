import type { ByteSource } from "../bytes/byte-source.ts";
import { halfToNumber } from "../bytes/float16.ts";
import { readF32, readF64 } from "../bytes/little-endian.ts";
import { maskedCrc32c } from "./crc32c.ts";
import type { MetricPoint } from "./metric-series.ts";
import { readMessage, readPackedVarints, type WireField } from "./protobuf-wire.ts";

/** Why reading stopped. Everything but `end` means "the rest is not (yet) readable: resume from `resumeOffset`". */
export type TensorboardStop =
  | { readonly kind: "end" }
  | { readonly kind: "truncated"; readonly offset: number }
  | { readonly kind: "length-crc-mismatch"; readonly offset: number }
  | { readonly kind: "data-crc-mismatch"; readonly offset: number };

/** Scalars read from one event file (or from `startOffset` on). */
export type TensorboardEvents = {
  /** Scalar points in file order; `epoch` is null (use `withEpochFromSeries` with Lightning's `epoch` scalar). */
  readonly points: MetricPoint[];
  /** `brain.Event:2` from the first record, when it was read. */
  readonly fileVersion: string | null;
  /** Records whose CRCs held (including non-scalar ones). */
  readonly records: number;
  /** Offset just past the last good record: where a live reader resumes. */
  readonly resumeOffset: number;
  readonly stop: TensorboardStop;
};

const HEADER_BYTES = 12;
const FOOTER_BYTES = 4;
// tensorflow/core/framework/types.proto DataType values that can hold a scalar.
const DTYPE = { float: 1, double: 2, int32: 3, int64: 9, bool: 10, bfloat16: 14, half: 19 } as const;
const SKIPPED_PLUGINS = new Set(["hparams"]);
const utf8 = new TextDecoder();

function uint32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, true);
}

function bytesOf(fields: readonly WireField[], field: number): Uint8Array | undefined {
  const found = fields.find((entry) => entry.field === field && entry.kind === "bytes");
  return found?.kind === "bytes" ? found.bytes : undefined;
}

function contentValues(dtype: number, content: Uint8Array): number[] {
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const read: Readonly<Record<number, [number, (offset: number) => number]>> = {
    [DTYPE.float]: [4, (offset) => view.getFloat32(offset, true)],
    [DTYPE.double]: [8, (offset) => view.getFloat64(offset, true)],
    [DTYPE.int32]: [4, (offset) => view.getInt32(offset, true)],
    [DTYPE.int64]: [8, (offset) => Number(view.getBigInt64(offset, true))],
    [DTYPE.bool]: [1, (offset) => view.getUint8(offset)],
    [DTYPE.half]: [2, (offset) => halfToNumber(view.getUint16(offset, true))],
    [DTYPE.bfloat16]: [
      2,
      (offset) => new Float32Array(new Uint32Array([view.getUint16(offset, true) << 16]).buffer)[0] ?? 0,
    ],
  };
  const reader = read[dtype];
  if (reader === undefined) return [];
  const [size, at] = reader;
  return Array.from({ length: Math.floor(content.length / size) }, (_, index) => at(index * size));
}

/** Values of one repeated numeric TensorProto field, accepting both packed and unpacked encodings. */
function repeatedValues(
  field: WireField,
  unpacked: (value: WireField) => number | undefined,
  packedSize: number,
): number[] {
  if (field.kind !== "bytes") {
    const value = unpacked(field);
    return value === undefined ? [] : [value];
  }
  if (packedSize === 0)
    return readPackedVarints(field.bytes).map((value) => Number(BigInt.asIntN(64, value)));
  const values: number[] = [];
  for (let offset = 0; offset + packedSize <= field.bytes.length; offset += packedSize) {
    values.push(packedSize === 4 ? readF32(field.bytes, offset) : readF64(field.bytes, offset));
  }
  return values;
}

function tensorValues(fields: readonly WireField[]): number[] {
  const dtypeField = fields.find((field) => field.field === 1 && field.kind === "varint");
  const dtype = dtypeField?.kind === "varint" ? Number(dtypeField.value) : DTYPE.float;
  const content = bytesOf(fields, 4);
  if (content !== undefined && content.length > 0) return contentValues(dtype, content);
  const values: number[] = [];
  for (const field of fields) {
    if (field.field === 5)
      values.push(
        ...repeatedValues(field, (f) => (f.kind === "fixed32" ? readF32(f.bytes, 0) : undefined), 4),
      );
    if (field.field === 6)
      values.push(
        ...repeatedValues(field, (f) => (f.kind === "fixed64" ? readF64(f.bytes, 0) : undefined), 8),
      );
    const intLike = field.field === 7 || field.field === 10 || field.field === 11 || field.field === 13;
    if (!intLike) continue;
    const ints = repeatedValues(
      field,
      (f) => (f.kind === "varint" ? Number(BigInt.asIntN(64, f.value)) : undefined),
      0,
    );
    values.push(...(field.field === 13 ? ints.map(halfToNumber) : ints));
  }
  return values;
}

function pluginName(fields: readonly WireField[]): string | null {
  const metadata = bytesOf(fields, 9);
  if (metadata === undefined) return null;
  const parsed = readMessage(metadata);
  const pluginData = parsed.ok ? bytesOf(parsed.fields, 1) : undefined;
  const plugin = pluginData === undefined ? undefined : readMessage(pluginData);
  const name = plugin?.ok ? bytesOf(plugin.fields, 1) : undefined;
  return name === undefined ? null : utf8.decode(name);
}

/** `Summary.Value` → `[tag, value]` when it is a scalar, else undefined. */
function scalarOf(valueBytes: Uint8Array): [string, number] | undefined {
  const parsed = readMessage(valueBytes);
  if (!parsed.ok) return undefined;
  const tag = bytesOf(parsed.fields, 1);
  const plugin = pluginName(parsed.fields);
  if (tag === undefined || (plugin !== null && SKIPPED_PLUGINS.has(plugin))) return undefined;
  const simple = parsed.fields.find((field) => field.field === 2 && field.kind === "fixed32");
  if (simple?.kind === "fixed32") return [utf8.decode(tag), readF32(simple.bytes, 0)];
  const tensor = bytesOf(parsed.fields, 8);
  if (tensor === undefined || (plugin !== null && plugin !== "scalars")) return undefined;
  const tensorFields = readMessage(tensor);
  const values = tensorFields.ok ? tensorValues(tensorFields.fields) : [];
  return values.length === 1 && values[0] !== undefined ? [utf8.decode(tag), values[0]] : undefined;
}

function decodeEvent(data: Uint8Array): { points: MetricPoint[]; fileVersion: string | null } {
  const event = readMessage(data);
  if (!event.ok) return { points: [], fileVersion: null };
  let wallTime: number | undefined;
  let step = 0;
  for (const field of event.fields) {
    if (field.field === 1 && field.kind === "fixed64") wallTime = readF64(field.bytes, 0);
    if (field.field === 2 && field.kind === "varint") step = Number(BigInt.asIntN(64, field.value));
  }
  const version = bytesOf(event.fields, 3);
  const summary = bytesOf(event.fields, 5);
  const values = summary === undefined ? undefined : readMessage(summary);
  const points: MetricPoint[] = [];
  for (const field of values?.ok ? values.fields : []) {
    const scalar = field.field === 1 && field.kind === "bytes" ? scalarOf(field.bytes) : undefined;
    if (scalar === undefined) continue;
    const point: MetricPoint = { name: scalar[0], step, epoch: null, value: scalar[1] };
    points.push(wallTime === undefined ? point : { ...point, wallTime });
  }
  return { points, fileVersion: version === undefined ? null : utf8.decode(version) };
}

/** Reads the TFRecord at `offset`: its payload, or why it cannot be read (yet). */
function readRecord(
  source: ByteSource,
  offset: number,
): { data: Uint8Array; next: number } | TensorboardStop {
  if (offset >= source.size) return { kind: "end" };
  if (offset + HEADER_BYTES > source.size) return { kind: "truncated", offset };
  const header = source.read(offset, HEADER_BYTES);
  if (maskedCrc32c(header.subarray(0, 8)) !== uint32(header, 8))
    return { kind: "length-crc-mismatch", offset };
  const length = new DataView(header.buffer, header.byteOffset, 8).getBigUint64(0, true);
  const end = offset + HEADER_BYTES + Number(length) + FOOTER_BYTES;
  if (end > source.size) return { kind: "truncated", offset };
  const data = source.read(offset + HEADER_BYTES, Number(length));
  const footer = source.read(end - FOOTER_BYTES, FOOTER_BYTES);
  if (maskedCrc32c(data) !== uint32(footer, 0)) return { kind: "data-crc-mismatch", offset };
  return { data, next: end };
}

/**
 * TensorBoard event file (TFRecord of `Event` protobufs) → scalar points. Both length and data CRCs are checked;
 * reading stops at the first truncated or CRC-failing record, and `resumeOffset` says where to pick up once the
 * writer has flushed more. Scalars are `simple_value` (tensorboardX, Lightning, `add_scalar`) or a one-element
 * `tensor` of the `scalars` plugin (torch `new_style`, TF2); `hparams` plugin payloads are skipped, `hp_metric`
 * stays an ordinary scalar.
 */
export function readTensorboardEvents(
  source: ByteSource,
  options: {
    startOffset?: number;
    /** Receives each point instead of `points` collecting them: a long run's events are never held whole. */
    onPoint?: (point: MetricPoint) => void;
  } = {},
): TensorboardEvents {
  const points: MetricPoint[] = [];
  const take = options.onPoint ?? ((point: MetricPoint) => points.push(point));
  let fileVersion: string | null = null;
  let records = 0;
  let offset = options.startOffset ?? 0;
  for (;;) {
    const record = readRecord(source, offset);
    if ("kind" in record) return { points, fileVersion, records, resumeOffset: offset, stop: record };
    const event = decodeEvent(record.data);
    for (const point of event.points) take(point);
    fileVersion ??= event.fileVersion;
    records += 1;
    offset = record.next;
  }
}
