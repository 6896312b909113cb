import type { ByteSource } from "../bytes/byte-source.ts";
import { crc32 } from "../formats/crc32.ts";
import { parsePythonJson } from "../formats/python-json.ts";
import type { MetricPoint } from "./metric-series.ts";
import { readMessage, type WireField } from "./protobuf-wire.ts";

/** Why reading stopped. Everything but `end` means "the rest is not (yet) readable: resume from `resumeOffset`". */
export type WandbLogStop =
  | { readonly kind: "end" }
  | { readonly kind: "truncated"; readonly offset: number }
  | { readonly kind: "not-a-wandb-log"; readonly offset: number }
  | { readonly kind: "corrupt"; readonly offset: number; readonly reason: string };

export type WandbLogRead = {
  /** History records read (rows logged with `wandb.log`). */
  readonly rows: number;
  /** Offset just past the last complete record: where a live reader resumes. */
  readonly resumeOffset: number;
  readonly stop: WandbLogStop;
};

// LevelDB log framing as W&B writes it (`wandb/sdk/internal/datastore.py`, `core/internal/transactionlog`): a
// 7-byte file header, then 32 KiB blocks of chunks `crc32 u32, length u16, type u8, data`.
const FILE_HEADER = { ident: ":W&B", magic: 0xbee1, length: 7 } as const;
const BLOCK = 32 * 1024;
const CHUNK_HEADER = 7;
const CHUNK = { zero: 0, full: 1, first: 2, middle: 3, last: 4 } as const;
const CHUNK_TYPE_CRC = [0, 1, 2, 3, 4].map((type) => crc32(Uint8Array.of(type)));
// `wandb_internal.proto`: Record.history = 2; HistoryRecord.item = 1, .step = 2; HistoryItem.key = 1,
// .nested_key = 2, .value_json = 16; HistoryStep.num = 1.
const FIELD = { history: 2, item: 1, step: 2, key: 1, nestedKey: 2, valueJson: 16, stepNum: 1 } as const;
/** Row keys that place a row (Lightning's and HF's W&B loggers make them the step metric) rather than metrics. */
const GLOBAL_STEP_KEYS = ["trainer/global_step", "train/global_step"] as const;
const utf8 = new TextDecoder();

function bytesFields(fields: readonly WireField[], field: number): Uint8Array[] {
  return fields.flatMap((entry) => (entry.field === field && entry.kind === "bytes" ? [entry.bytes] : []));
}

/** One history row: its numeric values by key, and the step W&B numbered it with. */
function historyRow(record: Uint8Array): { values: Map<string, number>; step: number | null } | null {
  const parsed = readMessage(record);
  const [history] = parsed.ok ? bytesFields(parsed.fields, FIELD.history) : [];
  const row = history === undefined ? undefined : readMessage(history);
  if (row === undefined || !row.ok) return null;
  const values = new Map<string, number>();
  for (const itemBytes of bytesFields(row.fields, FIELD.item)) {
    const item = readMessage(itemBytes);
    if (!item.ok) continue;
    const [key] = bytesFields(item.fields, FIELD.key);
    const nested = bytesFields(item.fields, FIELD.nestedKey).map((part) => utf8.decode(part));
    const name = key !== undefined && key.length > 0 ? utf8.decode(key) : nested.join(".");
    const [json] = bytesFields(item.fields, FIELD.valueJson);
    const value = json === undefined ? undefined : parsePythonJson(utf8.decode(json));
    if (name !== "" && value?.success && typeof value.data === "number") values.set(name, value.data);
  }
  const [stepBytes] = bytesFields(row.fields, FIELD.step);
  const step = stepBytes === undefined ? undefined : readMessage(stepBytes);
  const num = step?.ok ? step.fields.find((field) => field.field === FIELD.stepNum) : undefined;
  return { values, step: num?.kind === "varint" ? Number(BigInt.asIntN(64, num.value)) : null };
}

/**
 * A history row as points: its step is the framework's global step when the row carries one (Lightning's and
 * HF's W&B loggers log `trainer/global_step` / `train/global_step`), else W&B's `_step`; `epoch` when logged.
 */
export function historyRowPoints(
  values: ReadonlyMap<string, number>,
  recordStep: number | null,
): MetricPoint[] {
  const globalStep = GLOBAL_STEP_KEYS.map((key) => values.get(key)).find((value) => value !== undefined);
  const stepValue = globalStep ?? values.get("_step") ?? recordStep;
  const step =
    stepValue !== undefined && stepValue !== null && Number.isInteger(stepValue) ? stepValue : null;
  const epoch = values.get("epoch") ?? null;
  const wallTime = values.get("_timestamp");
  const points: MetricPoint[] = [];
  for (const [name, value] of values) {
    if (name.startsWith("_") || name === "epoch" || (GLOBAL_STEP_KEYS as readonly string[]).includes(name))
      continue;
    const point: MetricPoint = { name, step, epoch, value };
    points.push(wallTime === undefined ? point : { ...point, wallTime });
  }
  return points;
}

type Chunk = { readonly type: number; readonly data: Uint8Array; readonly next: number };

/** The chunk at `offset` (past a block's zero trailer), or why it cannot be read (yet). */
function readChunk(source: ByteSource, offset: number): Chunk | WandbLogStop {
  let at = offset;
  if (BLOCK - (at % BLOCK) < CHUNK_HEADER) at += BLOCK - (at % BLOCK);
  if (at >= source.size) return { kind: "end" };
  if (at + CHUNK_HEADER > source.size) return { kind: "truncated", offset };
  const header = source.read(at, CHUNK_HEADER);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const [checksum, length, type] = [view.getUint32(0, true), view.getUint16(4, true), view.getUint8(6)];
  // LevelDB's reserved zero type (a zero-filled rest of a block): the next chunk starts at the next block.
  if (type === CHUNK.zero) return { type, data: header.subarray(0, 0), next: at + BLOCK - (at % BLOCK) };
  const end = at + CHUNK_HEADER + length;
  if (type > CHUNK.last || end > at + BLOCK - (at % BLOCK))
    return { kind: "corrupt", offset: at, reason: `chunk type ${type}, length ${length}` };
  if (end > source.size) return { kind: "truncated", offset };
  const data = source.read(at + CHUNK_HEADER, length);
  if (crc32(data, CHUNK_TYPE_CRC[type]) !== checksum)
    return { kind: "corrupt", offset: at, reason: "checksum mismatch" };
  return { type, data, next: end };
}

/** The record at `offset`: one FULL chunk, or FIRST, MIDDLE… and LAST joined. */
function readRecord(source: ByteSource, offset: number): { data: Uint8Array; next: number } | WandbLogStop {
  const parts: Uint8Array[] = [];
  let at = offset;
  for (;;) {
    const chunk = readChunk(source, at);
    if ("kind" in chunk)
      return chunk.kind === "end" && parts.length > 0 ? { kind: "truncated", offset } : chunk;
    at = chunk.next;
    if (chunk.type === CHUNK.zero) {
      if (parts.length > 0) return { kind: "corrupt", offset: at, reason: "padding inside a record" };
      continue;
    }
    const starts = chunk.type === CHUNK.full || chunk.type === CHUNK.first;
    if (starts !== (parts.length === 0))
      return { kind: "corrupt", offset: at, reason: `unexpected chunk type ${chunk.type}` };
    parts.push(chunk.data);
    if (chunk.type === CHUNK.full || chunk.type === CHUNK.last) break;
  }
  if (parts.length === 1) return { data: parts[0] as Uint8Array, next: at };
  const data = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let filled = 0;
  for (const part of parts) {
    data.set(part, filled);
    filled += part.length;
  }
  return { data, next: at };
}

function headerProblem(source: ByteSource): WandbLogStop | null {
  if (source.size < FILE_HEADER.length) return { kind: "truncated", offset: 0 };
  const header = source.read(0, FILE_HEADER.length);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const ident = String.fromCharCode(...header.subarray(0, 4));
  return ident === FILE_HEADER.ident && view.getUint16(4, true) === FILE_HEADER.magic
    ? null
    : { kind: "not-a-wandb-log", offset: 0 };
}

/**
 * A W&B transaction log (`run-<id>.wandb`) → the points of its history records (`wandb.log` rows), each passed to
 * `onPoint` in file order; every other record (config, summary, output, stats…) is skipped. Checksums are
 * checked; reading stops at the first incomplete or damaged record, and `resumeOffset` says where to pick up once
 * W&B has written more.
 */
export function readWandbTransactionLog(
  source: ByteSource,
  options: { readonly startOffset?: number; readonly onPoint: (point: MetricPoint) => void },
): WandbLogRead {
  let offset = options.startOffset ?? 0;
  if (offset < FILE_HEADER.length) {
    const problem = headerProblem(source);
    if (problem !== null) return { rows: 0, resumeOffset: 0, stop: problem };
    offset = FILE_HEADER.length;
  }
  let rows = 0;
  for (;;) {
    const record = readRecord(source, offset);
    if ("kind" in record) return { rows, resumeOffset: offset, stop: record };
    const row = historyRow(record.data);
    if (row !== null) {
      rows += 1;
      for (const point of historyRowPoints(row.values, row.step)) options.onPoint(point);
    }
    offset = record.next;
  }
}
