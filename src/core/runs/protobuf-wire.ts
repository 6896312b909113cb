import type { ByteCursor } from "../bytes/byte-cursor.ts";

// Hand-rolled protobuf wire walker: no schema compiler fits a single binary, we need six fields, and a truncated
// message must end the walk cleanly instead of throwing.

/** Protobuf wire types we can meet (3/4, the deprecated groups, end the walk as malformed). */
export const WIRE_TYPES = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;

/** One field of a message; `bytes` is the raw payload (8/4 bytes for fixed, the body for length-delimited). */
export type WireField =
  | { readonly kind: "varint"; readonly field: number; readonly value: bigint }
  | { readonly kind: "fixed64"; readonly field: number; readonly bytes: Uint8Array }
  | { readonly kind: "fixed32"; readonly field: number; readonly bytes: Uint8Array }
  | { readonly kind: "bytes"; readonly field: number; readonly bytes: Uint8Array };

/** Either every field of the message, or where it stopped making sense. */
export type WireMessage =
  | { readonly ok: true; readonly fields: WireField[] }
  | { readonly ok: false; readonly offset: number; readonly reason: string };

/** Reads a base-128 varint at `offset`; undefined when it runs past the end or over 10 bytes. */
export function readVarint(bytes: Uint8Array, offset: number): { value: bigint; next: number } | undefined {
  let value = 0n;
  for (let index = 0; index < 10; index += 1) {
    const byte = bytes[offset + index];
    if (byte === undefined) return undefined;
    value |= BigInt(byte & 0x7f) << BigInt(7 * index);
    if ((byte & 0x80) === 0) return { value, next: offset + index + 1 };
  }
  return undefined;
}

function readField(bytes: Uint8Array, offset: number): { field: WireField; next: number } | string {
  const key = readVarint(bytes, offset);
  if (key === undefined) return "truncated field key";
  const field = Number(key.value >> 3n);
  const wireType = Number(key.value & 7n);
  const start = key.next;
  switch (wireType) {
    case WIRE_TYPES.varint: {
      const value = readVarint(bytes, start);
      return value === undefined
        ? "truncated varint"
        : { field: { kind: "varint", field, value: value.value }, next: value.next };
    }
    case WIRE_TYPES.fixed64:
    case WIRE_TYPES.fixed32: {
      const size = wireType === WIRE_TYPES.fixed64 ? 8 : 4;
      if (start + size > bytes.length) return "truncated fixed-width value";
      const kind = size === 8 ? "fixed64" : "fixed32";
      return { field: { kind, field, bytes: bytes.subarray(start, start + size) }, next: start + size };
    }
    case WIRE_TYPES.lengthDelimited: {
      const length = readVarint(bytes, start);
      if (length === undefined) return "truncated length";
      const end = length.next + Number(length.value);
      if (end > bytes.length) return "length-delimited field runs past the end";
      return { field: { kind: "bytes", field, bytes: bytes.subarray(length.next, end) }, next: end };
    }
    default:
      return `unsupported wire type ${wireType}`;
  }
}

/** Splits one message into its fields, in order. Unknown fields are kept (callers pick what they need). */
export function readMessage(bytes: Uint8Array): WireMessage {
  const fields: WireField[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const read = readField(bytes, offset);
    if (typeof read === "string") return { ok: false, offset, reason: read };
    fields.push(read.field);
    offset = read.next;
  }
  return { ok: true, fields };
}

/** Values of a repeated scalar field in packed form: consecutive varints. */
export function readPackedVarints(bytes: Uint8Array): bigint[] {
  const values: bigint[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const read = readVarint(bytes, offset);
    if (read === undefined) break;
    values.push(read.value);
    offset = read.next;
  }
  return values;
}

/** A field's key and scalar (varint/fixed) or body length, read from a cursor; a body is left to take or skip. */
export type FieldHead =
  | { readonly kind: "varint"; readonly field: number; readonly value: bigint }
  | { readonly kind: "fixed"; readonly field: number; readonly bytes: Uint8Array }
  | { readonly kind: "bytes"; readonly field: number; readonly length: number };

/**
 * The next field of a message read through a cursor (for messages too large to hold, e.g. an ONNX model whose
 * graph carries gigabytes of weights). A string is a malformed field; the cursor raises `CursorStop` at the end.
 */
export function readFieldHead(cursor: ByteCursor): FieldHead | string {
  const key = readCursorVarint(cursor);
  if (key === undefined) return "field key longer than 10 bytes";
  const field = Number(key >> 3n);
  const wireType = Number(key & 7n);
  switch (wireType) {
    case WIRE_TYPES.varint: {
      const value = readCursorVarint(cursor);
      return value === undefined ? "varint longer than 10 bytes" : { kind: "varint", field, value };
    }
    case WIRE_TYPES.fixed64:
    case WIRE_TYPES.fixed32:
      return { kind: "fixed", field, bytes: cursor.take(wireType === WIRE_TYPES.fixed64 ? 8 : 4) };
    case WIRE_TYPES.lengthDelimited: {
      const length = readCursorVarint(cursor);
      if (length === undefined || length > BigInt(Number.MAX_SAFE_INTEGER)) return "impossible field length";
      return { kind: "bytes", field, length: Number(length) };
    }
    default:
      return `unsupported wire type ${wireType}`;
  }
}

function readCursorVarint(cursor: ByteCursor): bigint | undefined {
  let value = 0n;
  for (let index = 0; index < 10; index += 1) {
    const byte = cursor.take(1)[0] ?? 0;
    value |= BigInt(byte & 0x7f) << BigInt(7 * index);
    if ((byte & 0x80) === 0) return value;
  }
  return undefined;
}
