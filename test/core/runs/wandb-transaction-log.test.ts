import { describe, expect, test } from "bun:test";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import type { MetricPoint } from "../../../src/core/runs/metric-series.ts";
import { parseWandbHistoryLines } from "../../../src/core/runs/wandb-run.ts";
import { readWandbTransactionLog } from "../../../src/core/runs/wandb-transaction-log.ts";
import { historyRecord, summaryRecord, wandbLogBytes } from "../../helpers/wandb-log-bytes.ts";

function read(bytes: Uint8Array, startOffset = 0) {
  const points: MetricPoint[] = [];
  const result = readWandbTransactionLog(bytesSource(bytes), { startOffset, onPoint: (p) => points.push(p) });
  return { ...result, points };
}

const ROWS = [
  historyRecord([
    ["loss", "0.75"],
    ["_step", "0"],
    ["_timestamp", "1704164700.5"],
    ["_runtime", "3.2"],
  ]),
  summaryRecord("loss", "0.75"),
  historyRecord([
    ["loss", "NaN"],
    [["val", "acc"], "0.5"],
    ["epoch", "1"],
    ["media", '{"_type": "image-file"}'],
    ["_step", "1"],
  ]),
  // Lightning's WandbLogger logs the trainer's step in the row: that is the step, not W&B's counter.
  historyRecord(
    [
      ["val/hmean", "0.8467"],
      ["trainer/global_step", "24"],
      ["epoch", "2"],
    ],
    2,
  ),
];

describe("readWandbTransactionLog", () => {
  test("history rows become points; other records, media and W&B's own keys are skipped", () => {
    const bytes = wandbLogBytes(ROWS);
    expect(read(bytes)).toEqual({
      rows: 3,
      resumeOffset: bytes.length,
      stop: { kind: "end" },
      points: [
        { name: "loss", step: 0, epoch: null, value: 0.75, wallTime: 1704164700.5 },
        { name: "loss", step: 1, epoch: 1, value: Number.NaN },
        { name: "val.acc", step: 1, epoch: 1, value: 0.5 },
        { name: "val/hmean", step: 24, epoch: 2, value: 0.8467 },
      ],
    });
  });

  test("records across blocks (FIRST, MIDDLE, LAST) and zero-filled block trailers read back whole", () => {
    const long = "x".repeat(70_000);
    const rows = Array.from({ length: 400 }, (_, step) =>
      historyRecord([
        ["loss", String(step / 1000)],
        ["_step", String(step)],
        ...(step === 7 ? [["note", JSON.stringify(long)] as [string, string]] : []),
      ]),
    );
    const bytes = wandbLogBytes(rows);
    expect(bytes.length).toBeGreaterThan(2 * 32 * 1024);
    const result = read(bytes);
    expect(result.stop).toEqual({ kind: "end" });
    expect(result.points).toEqual(
      Array.from({ length: 400 }, (_, step) => ({ name: "loss", step, epoch: null, value: step / 1000 })),
    );
  });

  test("a file cut anywhere gives its complete rows, and reading on from resumeOffset gives the rest", () => {
    const rows = Array.from({ length: 40 }, (_, step) =>
      historyRecord([
        ["loss", String(step)],
        ["_step", String(step)],
      ]),
    );
    const bytes = wandbLogBytes(rows);
    const whole = read(bytes).points;
    for (let cut = 0; cut <= bytes.length; cut += 7) {
      const head = read(bytes.subarray(0, cut));
      const rest = read(bytes, head.resumeOffset);
      expect([...head.points, ...rest.points]).toEqual(whole);
    }
  });

  test.each([
    ["a foreign file", new TextEncoder().encode("not a wandb log at all"), "not-a-wandb-log"],
    ["a flipped data byte", flipByte(wandbLogBytes(ROWS), 20), "corrupt"],
  ] as const)("%s stops the read with a typed reason", (_name, bytes, kind) => {
    expect(read(bytes).stop.kind).toBe(kind);
  });
});

function flipByte(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = (copy[at] ?? 0) ^ 0xff;
  return copy;
}

describe("parseWandbHistoryLines", () => {
  test("rows of wandb-history.jsonl as points; a line cut short is skipped", () => {
    const text = [
      '{"loss": 0.5, "_step": 0, "_timestamp": 1704164700, "epoch": 0}',
      '{"loss": NaN, "train/global_step": 100, "_step": 1}',
      '{"loss": 0.2, "_st',
    ].join("\n");
    expect(parseWandbHistoryLines(text)).toEqual([
      { name: "loss", step: 0, epoch: 0, value: 0.5, wallTime: 1704164700 },
      { name: "loss", step: 100, epoch: null, value: Number.NaN },
    ]);
  });
});
