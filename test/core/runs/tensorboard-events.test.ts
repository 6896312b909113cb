import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { crc32c, maskedCrc32c } from "../../../src/core/runs/crc32c.ts";
import { parseLightningMetricsCsv } from "../../../src/core/runs/lightning-metrics-csv.ts";
import { type MetricPoint, withEpochFromSeries } from "../../../src/core/runs/metric-series.ts";
import { readMessage, readVarint } from "../../../src/core/runs/protobuf-wire.ts";
import { readTensorboardEvents } from "../../../src/core/runs/tensorboard-events.ts";

const RUN = join(
  import.meta.dir,
  "../../fixtures/real/lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44",
);
const EVENTS = join(RUN, "tb_logs/version_0/events.out.tfevents.1795359166.vm");
const realBytes = () => new Uint8Array(readFileSync(EVENTS));
const read = (bytes: Uint8Array, startOffset = 0) =>
  readTensorboardEvents(bytesSource(bytes), { startOffset });

// Minimal protobuf/TFRecord writer for hand-built records.
const concat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((part) => [...part]));
function varint(value: number | bigint): Uint8Array {
  const out: number[] = [];
  let rest = BigInt.asUintN(64, BigInt(value));
  do {
    const byte = Number(rest & 0x7fn);
    rest >>= 7n;
    out.push(rest > 0n ? byte | 0x80 : byte);
  } while (rest > 0n);
  return new Uint8Array(out);
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const bytesField = (field: number, body: Uint8Array) => concat(key(field, 2), varint(body.length), body);
const stringField = (field: number, text: string) => bytesField(field, new TextEncoder().encode(text));
const varintField = (field: number, value: number) => concat(key(field, 0), varint(value));
function float32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setFloat32(0, value, true);
  return out;
}
function float64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, value, true);
  return out;
}
const fixed32Field = (field: number, value: number) => concat(key(field, 5), float32(value));
const fixed64Field = (field: number, value: number) => concat(key(field, 1), float64(value));
const plugin = (name: string) => bytesField(9, bytesField(1, stringField(1, name)));
function event(step: number, ...values: Uint8Array[]): Uint8Array {
  const summary = concat(...values.map((value) => bytesField(1, value)));
  return concat(fixed64Field(1, 1704164645.5), varintField(2, step), bytesField(5, summary));
}
function frame(data: Uint8Array): Uint8Array {
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(data.length), true);
  const crc = (bytes: Uint8Array) => {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, maskedCrc32c(bytes), true);
    return out;
  };
  return concat(length, crc(length), data, crc(data));
}
const fileVersion = frame(concat(fixed64Field(1, 1704164645.0), stringField(3, "brain.Event:2")));
const scalar = (step: number, name: string, value: number): MetricPoint => ({
  name,
  step,
  epoch: null,
  value,
  wallTime: 1704164645.5,
});

/** Offsets where each record starts, walking the length prefixes. */
function recordOffsets(bytes: Uint8Array): number[] {
  const offsets: number[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 0; offset < bytes.length; offset += 16 + Number(view.getBigUint64(offset, true)))
    offsets.push(offset);
  return offsets;
}

describe("crc32c and the protobuf walker", () => {
  test("CRC-32C check value and the masked form", () => {
    const digits = new TextEncoder().encode("123456789");
    expect(crc32c(digits)).toBe(0xe3069283);
    const crc = 0xe3069283;
    expect(maskedCrc32c(digits)).toBe((((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0);
  });

  test("varints and truncated messages", () => {
    expect(readVarint(new Uint8Array([0xac, 0x02]), 0)).toEqual({ value: 300n, next: 2 });
    expect(readVarint(new Uint8Array([0xac]), 0)).toBeUndefined();
    expect(readMessage(stringField(1, "abc").subarray(0, 3))).toEqual({
      ok: false,
      offset: 0,
      reason: "length-delimited field runs past the end",
    });
  });
});

describe("the real tensorboardX event file", () => {
  const events = read(realBytes());

  test("reads every record to the end", () => {
    expect({ ...events, points: events.points.length }).toEqual({
      points: 65,
      fileVersion: "brain.Event:2",
      records: 69,
      resumeOffset: realBytes().length,
      stop: { kind: "end" },
    });
    expect(events.points.slice(0, 3)).toEqual([
      { name: "hp_metric", step: 0, epoch: null, value: -1, wallTime: 1795359166.2694855 },
      { name: "lr-Adam", step: 0, epoch: null, value: Math.fround(0.01), wallTime: 1795359166.3348916 },
      {
        name: "train/loss_step",
        step: 1,
        epoch: null,
        value: 5.959689140319824,
        wallTime: 1795359166.410125,
      },
    ]);
  });

  test("every scalar matches the same run's metrics.csv (as float32)", () => {
    const csv = parseLightningMetricsCsv(
      readFileSync(join(RUN, "csv_logs/version_0/metrics.csv"), "utf8"),
      "m",
    );
    if (!csv.success) throw new Error(csv.error.message);
    // CSVLogger leaves `epoch` empty on lr rows (logged between epochs); only compare epochs elsewhere.
    const epochOf = (point: MetricPoint) => (point.name.startsWith("lr-") ? "-" : point.epoch);
    const key = (point: MetricPoint) =>
      `${point.name}@${point.step}/${epochOf(point)}=${Math.fround(point.value)}`;
    const tb = withEpochFromSeries(events.points).filter(
      (point) => !["epoch", "hp_metric"].includes(point.name),
    );
    expect(tb.map(key).sort()).toEqual(csv.data.map(key).sort());
  });

  test("a cut anywhere in the last record stops there and can resume", () => {
    const bytes = realBytes();
    const offsets = recordOffsets(bytes);
    const last = offsets.at(-1) ?? 0;
    const before = read(bytes.subarray(0, last));
    for (let cut = last + 1; cut < bytes.length; cut += 1) {
      expect(read(bytes.subarray(0, cut))).toEqual({ ...before, stop: { kind: "truncated", offset: last } });
    }
    const resumed = read(bytes, before.resumeOffset);
    expect(resumed.points).toEqual(events.points.slice(before.points.length));
    expect(resumed.stop).toEqual({ kind: "end" });
  });

  test("a flipped byte fails the length or data CRC of that record", () => {
    const bytes = realBytes();
    const third = recordOffsets(bytes)[3] ?? 0;
    const upToThird = read(bytes.subarray(0, third));
    const lengthFlip = bytes.slice();
    lengthFlip[third] = (lengthFlip[third] ?? 0) ^ 0x01;
    expect(read(lengthFlip)).toEqual({ ...upToThird, stop: { kind: "length-crc-mismatch", offset: third } });
    const dataFlip = bytes.slice();
    dataFlip[third + 14] = (dataFlip[third + 14] ?? 0) ^ 0x40;
    expect(read(dataFlip)).toEqual({ ...upToThird, stop: { kind: "data-crc-mismatch", offset: third } });
  });
});

describe("hand-built records", () => {
  const tensor = (...fields: Uint8Array[]) => bytesField(8, concat(...fields));
  const packedFloats = bytesField(5, concat(float32(0.5)));
  const cases: [string, Uint8Array, MetricPoint[]][] = [
    ["a tag without a value", stringField(1, "loss"), []],
    [
      "simple_value with tag",
      concat(stringField(1, "loss"), fixed32Field(2, 0.25)),
      [scalar(3, "loss", 0.25)],
    ],
    [
      "hp_metric stays a scalar",
      concat(stringField(1, "hp_metric"), fixed32Field(2, -1)),
      [scalar(3, "hp_metric", -1)],
    ],
    [
      "packed float_val",
      concat(stringField(1, "a"), plugin("scalars"), tensor(varintField(1, 1), packedFloats)),
      [scalar(3, "a", 0.5)],
    ],
    [
      "unpacked float_val",
      concat(stringField(1, "b"), plugin("scalars"), tensor(varintField(1, 1), fixed32Field(5, 1.5))),
      [scalar(3, "b", 1.5)],
    ],
    [
      "packed double_val",
      concat(stringField(1, "c"), plugin("scalars"), tensor(varintField(1, 2), bytesField(6, float64(0.1)))),
      [scalar(3, "c", 0.1)],
    ],
    [
      "unpacked double_val",
      concat(stringField(1, "d"), plugin("scalars"), tensor(varintField(1, 2), fixed64Field(6, 0.2))),
      [scalar(3, "d", 0.2)],
    ],
    [
      "float tensor_content",
      concat(stringField(1, "e"), plugin("scalars"), tensor(varintField(1, 1), bytesField(4, float32(2.5)))),
      [scalar(3, "e", 2.5)],
    ],
    [
      "double tensor_content",
      concat(
        stringField(1, "f"),
        plugin("scalars"),
        tensor(varintField(1, 2), bytesField(4, float64(Number.NaN))),
      ),
      [scalar(3, "f", Number.NaN)],
    ],
    [
      "int_val",
      concat(stringField(1, "g"), plugin("scalars"), tensor(varintField(1, 3), varintField(7, -7))),
      [scalar(3, "g", -7)],
    ],
    ["hparams plugin skipped", concat(stringField(1, "_hparams_/experiment"), plugin("hparams")), []],
    [
      "non-scalar plugin skipped",
      concat(stringField(1, "img"), plugin("images"), tensor(bytesField(8, stringField(1, "x")))),
      [],
    ],
    [
      "multi-element tensor skipped",
      concat(
        stringField(1, "h"),
        plugin("scalars"),
        tensor(varintField(1, 1), bytesField(5, concat(float32(1), float32(2)))),
      ),
      [],
    ],
  ];

  test.each(cases)("%s", (_name, value, expected) => {
    const result = read(concat(fileVersion, frame(event(3, value))));
    expect(result.points).toEqual(expected);
    expect(result.stop).toEqual({ kind: "end" });
    expect(result.records).toBe(2);
  });

  test("several values in one event, and a record with an unreadable body is skipped, not fatal", () => {
    const good = frame(
      event(
        5,
        concat(stringField(1, "x"), fixed32Field(2, 1)),
        concat(stringField(1, "y"), fixed32Field(2, 2)),
      ),
    );
    const garbage = frame(new Uint8Array([0x0a, 0xff]));
    const result = read(concat(fileVersion, garbage, good));
    expect(result.points).toEqual([scalar(5, "x", 1), scalar(5, "y", 2)]);
    expect(result.records).toBe(3);
  });

  test("empty input and a header shorter than 12 bytes", () => {
    expect(read(new Uint8Array())).toEqual({
      points: [],
      fileVersion: null,
      records: 0,
      resumeOffset: 0,
      stop: { kind: "end" },
    });
    expect(read(fileVersion.subarray(0, 5)).stop).toEqual({ kind: "truncated", offset: 0 });
  });
});
