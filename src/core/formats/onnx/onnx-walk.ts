import type { ByteCursor } from "../../bytes/byte-cursor.ts";
import { type FieldHead, readFieldHead } from "../../runs/protobuf-wire.ts";

/** A message that breaks the protobuf wire format or ONNX's schema; becomes a `corrupt` error. */
export class OnnxCorrupt extends Error {}

/**
 * Walks the fields of a message in `[cursor.position(), end)` without holding it. `visit` may take or skip a
 * length-delimited body; whatever it leaves is skipped, so a tensor's payload is jumped over, never read.
 * Returns how many fields were visited (at most `maxFields`: the rest of the message is then skipped).
 */
export function walkMessage(
  cursor: ByteCursor,
  walk: { end: number; maxFields: number; visit: (head: FieldHead) => void },
): { fields: number; cut: boolean } {
  let fields = 0;
  while (cursor.position() < walk.end) {
    if (fields >= walk.maxFields) {
      cursor.skip(walk.end - cursor.position());
      return { fields, cut: true };
    }
    const at = cursor.position();
    const head = readFieldHead(cursor);
    if (typeof head === "string") throw new OnnxCorrupt(`${head} at byte ${at}`);
    const bodyEnd = cursor.position() + (head.kind === "bytes" ? head.length : 0);
    if (bodyEnd > walk.end && bodyEnd <= cursor.position() + cursor.remaining())
      throw new OnnxCorrupt(`field ${head.field} at byte ${at} runs past the end of its message`);
    walk.visit(head);
    if (cursor.position() > bodyEnd)
      throw new OnnxCorrupt(`field ${head.field} at byte ${at} overran its body`);
    cursor.skip(bodyEnd - cursor.position());
    fields += 1;
  }
  if (cursor.position() !== walk.end) throw new OnnxCorrupt(`a field ran past byte ${walk.end}`);
  return { fields, cut: false };
}

const utf8 = new TextDecoder("utf-8");

/** A string field's text, keeping at most `cap` bytes (the rest is skipped by the walker). */
export function takeText(cursor: ByteCursor, head: FieldHead, cap = 64 * 1024): string {
  if (head.kind !== "bytes") throw new OnnxCorrupt(`field ${head.field} should be a string`);
  return utf8.decode(cursor.take(Math.min(head.length, cap)));
}

/** A varint field as a number (int64 ONNX fields hold versions and dims, far below 2^53). */
export function varintNumber(head: FieldHead): number {
  if (head.kind !== "varint") throw new OnnxCorrupt(`field ${head.field} should be a varint`);
  return Number(BigInt.asIntN(64, head.value));
}

/** `TensorProto.DataType` names (onnx.proto). */
const ONNX_DATA_TYPES: readonly string[] = [
  "UNDEFINED",
  "FLOAT",
  "UINT8",
  "INT8",
  "UINT16",
  "INT16",
  "INT32",
  "INT64",
  "STRING",
  "BOOL",
  "FLOAT16",
  "DOUBLE",
  "UINT32",
  "UINT64",
  "COMPLEX64",
  "COMPLEX128",
  "BFLOAT16",
  "FLOAT8E4M3FN",
  "FLOAT8E4M3FNUZ",
  "FLOAT8E5M2",
  "FLOAT8E5M2FNUZ",
  "UINT4",
  "INT4",
  "FLOAT4E2M1",
];

export function dataTypeName(code: number): string {
  return ONNX_DATA_TYPES[code] ?? `type_${code}`;
}
