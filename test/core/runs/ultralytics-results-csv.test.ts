import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type MetricPoint, metricsAtStep } from "../../../src/core/runs/metric-series.ts";
import {
  parseUltralyticsArgs,
  parseUltralyticsResultsCsv,
  resultsRowsOf,
} from "../../../src/core/runs/ultralytics-results-csv.ts";

const RUN = join(import.meta.dir, "../../fixtures/real/ultralytics/runs/detect/train");
const resultsText = () => readFileSync(join(RUN, "results.csv"), "utf8");
const parse = (text: string): MetricPoint[] => {
  const parsed = parseUltralyticsResultsCsv(text, "results.csv");
  if (!parsed.success) throw new Error(parsed.error.message);
  return parsed.data;
};
const at = (name: string, epoch: number, value: number): MetricPoint => ({ name, step: null, epoch, value });

test("8.3 dialect: CSV epoch 26 is the 0-based epoch 25 of weights/epoch25.pt", () => {
  const points = parse(resultsText());
  expect(points).toHaveLength(30 * 14);
  expect(metricsAtStep(points, { step: null, epoch: 25 })).toEqual({
    time: at("time", 25, 10.162),
    "train/box_loss": at("train/box_loss", 25, 3.49822),
    "train/cls_loss": at("train/cls_loss", 25, 2.64451),
    "train/dfl_loss": at("train/dfl_loss", 25, 1.66429),
    "metrics/precision(B)": at("metrics/precision(B)", 25, 0.43136),
    "metrics/recall(B)": at("metrics/recall(B)", 25, 0.09258),
    "metrics/mAP50(B)": at("metrics/mAP50(B)", 25, 0.08222),
    "metrics/mAP50-95(B)": at("metrics/mAP50-95(B)", 25, 0.01676),
    "val/box_loss": at("val/box_loss", 25, 3.41286),
    "val/cls_loss": at("val/cls_loss", 25, 2.70648),
    "val/dfl_loss": at("val/dfl_loss", 25, 1.61055),
    "lr/pg0": at("lr/pg0", 25, 0.000875),
    "lr/pg1": at("lr/pg1", 25, 0.000875),
    "lr/pg2": at("lr/pg2", 25, 0.000875),
  });
  expect(points[0]).toEqual(at("time", 0, 0.638794));
});

test("8.0 dialect: width-23 padded names and values, no time column", () => {
  const pad = (cells: string[]) => cells.map((cell) => cell.padStart(23)).join(",");
  const text = `${pad(["epoch", "train/box_loss", "metrics/mAP50(B)"])}\n${pad(["1", "3.1234", "0.012"])}\n${pad(["2", "2.9", "nan"])}\n`;
  expect(parse(text)).toEqual([
    at("train/box_loss", 0, 3.1234),
    at("metrics/mAP50(B)", 0, 0.012),
    at("train/box_loss", 1, 2.9),
    at("metrics/mAP50(B)", 1, Number.NaN),
  ]);
});

test("a cut anywhere in the last line reads as the file without that line", () => {
  const text = resultsText();
  const lastLineStart = text.lastIndexOf("\n", text.length - 2) + 1;
  const withoutLast = parse(text.slice(0, lastLineStart));
  for (let cut = lastLineStart; cut < text.length; cut += 1)
    expect(parse(text.slice(0, cut))).toEqual(withoutLast);
});

test("a CSV without an epoch column is reported", () => {
  const parsed = parseUltralyticsResultsCsv("a,b\n1,2\n", "runs/detect/x/results.csv");
  expect(parsed.success).toBe(false);
});

test("real args.yaml reads into a plain record", () => {
  const args = parseUltralyticsArgs(readFileSync(join(RUN, "args.yaml"), "utf8"), "args.yaml");
  if (!args.success) throw new Error(args.error.message);
  const { task, epochs, imgsz, lr0, save_period, save_dir, time, optimizer } = args.data;
  expect({ task, epochs, imgsz, lr0, save_period, save_dir, time, optimizer }).toEqual({
    task: "detect",
    epochs: 30,
    imgsz: 64,
    lr0: 0.005,
    save_period: 25,
    save_dir: "runs/detect/train",
    time: null,
    optimizer: "AdamW",
  });
});

describe("resultsRowsOf", () => {
  test("points back into rows: a new row at a new epoch or a repeated column (a second training in the dir)", () => {
    const point = (name: string, epoch: number, value: number) => ({ name, step: null, epoch, value });
    expect(
      resultsRowsOf([
        point("a", 0, 1),
        point("b", 0, 2),
        point("a", 1, 3),
        point("a", 1, 4),
        point("a", 0, 5),
        { name: "a", step: null, epoch: null, value: 6 },
      ]),
    ).toEqual([
      { epoch: 0, values: { a: 1, b: 2 } },
      { epoch: 1, values: { a: 3 } },
      { epoch: 1, values: { a: 4 } },
      { epoch: 0, values: { a: 5 } },
    ]);
  });
});
