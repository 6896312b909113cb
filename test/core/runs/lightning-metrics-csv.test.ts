import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseLightningMetricsCsv } from "../../../src/core/runs/lightning-metrics-csv.ts";
import { type MetricPoint, metricsAtStep } from "../../../src/core/runs/metric-series.ts";

const OUTPUTS = join(import.meta.dir, "../../fixtures/real/lightning/outputs");
const csvPath = (run: string) => join(OUTPUTS, run, "csv_logs/version_0/metrics.csv");
const read = (run: string) => readFileSync(csvPath(run), "utf8");
const parse = (text: string): MetricPoint[] => {
  const parsed = parseLightningMetricsCsv(text, "metrics.csv");
  if (!parsed.success) throw new Error(parsed.error.message);
  return parsed.data;
};
const at = (name: string, step: number, epoch: number | null, value: number): MetricPoint => ({
  name,
  step,
  epoch,
  value,
});

describe("real CSVLogger files", () => {
  test("cleval (2.2.5, sorted header): first rows and the epoch-2 validation row", () => {
    const points = parse(read("dbnet_r18_dev_cleval/2026-11-22/14-52-56"));
    expect(points.slice(0, 3)).toEqual([
      at("lr-Adam", 0, null, 0.01),
      at("train/loss_step", 1, 0, 1.7974579334259033),
      at("train/loss_step", 3, 0, 1.1320112943649292),
    ]);
    expect(points.filter((point) => point.step === 23 && point.name.startsWith("val/"))).toEqual([
      at("val/hmean", 23, 2, 0.9704837203025818),
      at("val/loss", 23, 2, 0.7043159008026123),
      at("val/precision", 23, 2, 0.9597297310829163),
      at("val/recall", 23, 2, 0.9814814925193787),
    ]);
    expect(points).toHaveLength(35 + 5 * 3); // 35 rows, the 5 validation rows hold 4 values
  });

  test("full: metrics at the checkpoint epoch=2-step=24 (val logged at step 23)", () => {
    const points = parse(read("dbnet_r18_dev_full/2026-11-22/14-52-44"));
    expect(metricsAtStep(points, { step: 24, epoch: 2 })).toEqual({
      "lr-Adam": at("lr-Adam", 24, null, 0.0014644660940672626),
      "train/loss_step": at("train/loss_step", 23, 2, 0.8011436462402344),
      "val/hmean": at("val/hmean", 23, 2, 0.8466632962226868),
      "val/loss": at("val/loss", 23, 2, 0.8611908555030823),
      "val/precision": at("val/precision", 23, 2, 0.7342610955238342),
      "val/recall": at("val/recall", 23, 2, 0.9996992349624634),
      "train/loss_epoch": at("train/loss_epoch", 23, 2, 0.8078337907791138),
    });
  });

  test("pl195 (1.9.5, first-seen header order) and pl214 (2.1.4)", () => {
    const pl195 = parse(read("dbnet_r18_dev_pl195/2026-11-22/14-53-07"));
    expect(pl195.filter((point) => point.step === 15 && point.name.startsWith("val/"))).toEqual([
      at("val/loss", 15, 1, 0.9147418737411499),
      at("val/precision", 15, 1, 0.6703564524650574),
      at("val/recall", 15, 1, 1.0),
      at("val/hmean", 15, 1, 0.8026508092880249),
    ]);
    const pl214 = parse(read("dbnet_r18_dev_pl214/2026-11-22/14-53-02"));
    expect(metricsAtStep(pl214, { step: 8, epoch: 0 })["val/hmean"]).toEqual(
      at("val/hmean", 7, 0, 0.9049628973007202),
    );
    expect(pl214[0]).toEqual(at("lr-AdamW", 0, null, 0.004));
  });

  test("legacy run parses whole", () => {
    expect(parse(read("dbnet_r18_dev_legacy/2026-11-22/14-52-50"))).toHaveLength(21 + 3 * 3);
  });
});

test("a cut anywhere in the last line reads as the file without that line", () => {
  const text = read("dbnet_r18_dev_full/2026-11-22/14-52-44");
  const lastLineStart = text.lastIndexOf("\n", text.length - 2) + 1;
  const withoutLast = parse(text.slice(0, lastLineStart));
  for (let cut = lastLineStart; cut < text.length; cut += 1) {
    expect(parse(text.slice(0, cut))).toEqual(withoutLast);
  }
  expect(parse(text).length).toBe(withoutLast.length + 1);
});

test("nan/inf values, empty cells and a rewritten header", () => {
  const text = "epoch,loss,step,val\n0,nan,1,\n0,inf,2,-inf\n";
  expect(parse(text)).toEqual([
    at("loss", 1, 0, Number.NaN),
    at("loss", 2, 0, Number.POSITIVE_INFINITY),
    at("val", 2, 0, Number.NEGATIVE_INFINITY),
  ]);
  expect(parse("")).toEqual([]);
  expect(parse("epoch,lo")).toEqual([]);
});

test("a CSV without step or epoch columns is reported with file and line", () => {
  expect(parseLightningMetricsCsv("a,b\n1,2\n", "runs/x/metrics.csv")).toEqual({
    success: false,
    error: {
      file: "runs/x/metrics.csv",
      line: 1,
      message:
        'runs/x/metrics.csv:1: header has neither a "step" nor an "epoch" column (a,b…); pass a CSVLogger metrics.csv, or check the file is not another CSV named metrics.csv',
    },
  });
});
