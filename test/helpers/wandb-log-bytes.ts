// Test-only: W&B transaction logs (`run-<id>.wandb`) built byte by byte, as `wandb/sdk/internal/datastore.py`
// writes them: a 7-byte header, then LevelDB log chunks in 32 KiB blocks (zero-filled block trailers).

import { crc32 } from "../../src/core/formats/crc32.ts";

const BLOCK = 32 * 1024;
const CHUNK_HEADER = 7;
const utf8 = new TextEncoder();

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = BigInt(value);
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return bytes;
}

/** A length-delimited protobuf field. */
export function bytesField(field: number, payload: Uint8Array | string): Uint8Array {
  const body = typeof payload === "string" ? utf8.encode(payload) : payload;
  return Uint8Array.from([...varint((field << 3) | 2), ...varint(body.length), ...body]);
}

/** A varint protobuf field. */
export function varintField(field: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(field << 3), ...varint(value)]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A `Record` holding a `HistoryRecord` (one `wandb.log` row): items as `[key, value_json]`, or
 * `[[nested keys], value_json]`, and the record's `HistoryStep`.
 */
export function historyRecord(
  items: readonly [string | readonly string[], string][],
  step?: number,
): Uint8Array {
  const itemBytes = items.map(([key, json]) => {
    const keyFields = typeof key === "string" ? [bytesField(1, key)] : key.map((part) => bytesField(2, part));
    return bytesField(1, concat([...keyFields, bytesField(16, json)]));
  });
  const stepBytes = step === undefined ? [] : [bytesField(2, varintField(1, step))];
  return concat([varintField(1, 7), bytesField(2, concat([...itemBytes, ...stepBytes]))]);
}

/** A `Record` holding a `SummaryRecord` (field 3): not history, so readers skip it. */
export function summaryRecord(key: string, json: string): Uint8Array {
  return bytesField(3, bytesField(1, concat([bytesField(1, key), bytesField(16, json)])));
}

function chunk(type: number, data: Uint8Array): Uint8Array {
  const header = new Uint8Array(CHUNK_HEADER);
  const view = new DataView(header.buffer);
  view.setUint32(0, crc32(data, crc32(Uint8Array.of(type))), true);
  view.setUint16(4, data.length, true);
  view.setUint8(6, type);
  return concat([header, data]);
}

/** The whole file: header, then each record as FULL, or FIRST/MIDDLE/LAST across blocks. */
export function wandbLogBytes(records: readonly Uint8Array[]): Uint8Array {
  const header = new Uint8Array(7);
  header.set(utf8.encode(":W&B"));
  new DataView(header.buffer).setUint16(4, 0xbee1, true);
  const parts: Uint8Array[] = [header];
  let offset = header.length;
  const write = (bytes: Uint8Array) => {
    parts.push(bytes);
    offset += bytes.length;
  };
  for (const record of records) {
    let rest = record;
    let first = true;
    for (;;) {
      const left = BLOCK - (offset % BLOCK);
      if (left < CHUNK_HEADER) write(new Uint8Array(left));
      const room = BLOCK - (offset % BLOCK) - CHUNK_HEADER;
      const fits = rest.length <= room;
      const type = fits ? (first ? 1 : 4) : first ? 2 : 3;
      write(chunk(type, rest.subarray(0, Math.min(room, rest.length))));
      if (fits) break;
      rest = rest.subarray(room);
      first = false;
    }
  }
  return concat(parts);
}
