import { describe, expect, test } from "bun:test";
import { appendFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseLightningMetricsCsv } from "../../../src/core/runs/lightning-metrics-csv.ts";
import { type MetricTarget, metricsAtStep } from "../../../src/core/runs/metric-series.ts";
import { StreamedMetricFile } from "../../../src/io/run-files/streamed-metric-file.ts";
import { appendMetricsRows } from "../../helpers/oversize-inputs.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const HEADER = "epoch,step,train_loss,val_acc,val_loss\n";
const rows = { stepsPerEpoch: 100, totalSteps: 30_000 };

function whole(path: string) {
  const parsed = parseLightningMetricsCsv(readFileSync(path, "utf8"), path);
  if (!parsed.success) throw new Error(parsed.error.message);
  return parsed.data;
}

const valuesAt = (path: string, target: MetricTarget) => Object.values(metricsAtStep(whole(path), target));

describe("StreamedMetricFile", () => {
  test("a growing metrics.csv is read from where reading stopped, a partial last line included", () => {
    using dir = makeTempDir("streamed-grow");
    const csv = join(dir.path, "metrics.csv");
    writeFileSync(csv, HEADER);
    appendMetricsRows(csv, { from: 0, to: 500, ...rows });
    appendFileSync(csv, "5,500,0.66");
    const file = new StreamedMetricFile(csv, "lightningCsv");
    expect(file.points()).toEqual(whole(csv));
    const sizeBefore = statSync(csv).size;
    appendFileSync(csv, "7,,\n");
    appendMetricsRows(csv, { from: 501, to: 1000, ...rows });
    expect(file.refresh()).toBe(true);
    expect(file.bytesRead).toBe(statSync(csv).size);
    expect(statSync(csv).size).toBeGreaterThan(sizeBefore);
    expect(file.points()).toEqual(whole(csv));
    expect(file.refresh()).toBe(false);
    const target = { step: 999, epoch: 9 };
    expect(file.valuesAt(target)).toEqual(valuesAt(csv, target));
  });

  test.each([
    [
      "rewritten with a new column (Lightning rewrites the whole file)",
      (csv: string) =>
        writeFileSync(
          csv,
          `${HEADER.trimEnd()},lr\n${readFileSync(csv, "utf8").split("\n").slice(1).join("\n")}`,
        ),
    ],
    [
      "truncated and written again (a restarted run)",
      (csv: string) => {
        writeFileSync(csv, HEADER);
        appendMetricsRows(csv, { from: 0, to: 50, ...rows });
      },
    ],
  ])("%s: read again from the start", (_name, change) => {
    using dir = makeTempDir("streamed-rewrite");
    const csv = join(dir.path, "metrics.csv");
    writeFileSync(csv, HEADER);
    appendMetricsRows(csv, { from: 0, to: 300, ...rows });
    const file = new StreamedMetricFile(csv, "lightningCsv");
    const first = file.bytesRead;
    change(csv);
    expect(file.refresh()).toBe(true);
    expect(file.bytesRead).toBe(first + statSync(csv).size);
    expect(file.points()).toEqual(whole(csv));
  });

  test("a long file keeps at most 10,000 points per metric and still answers any checkpoint exactly", () => {
    using dir = makeTempDir("streamed-long");
    const csv = join(dir.path, "metrics.csv");
    writeFileSync(csv, HEADER);
    appendMetricsRows(csv, { from: 0, to: 30_000, ...rows });
    const file = new StreamedMetricFile(csv, "lightningCsv");
    const trainLoss = file.points().filter((point) => point.name === "train_loss");
    expect(trainLoss.length).toBeLessThanOrEqual(10_000);
    for (const target of [
      { step: 29_999, epoch: 299 },
      { step: 12_345, epoch: 123 },
      { step: 150, epoch: 1 },
    ])
      expect(file.valuesAt(target)).toEqual(valuesAt(csv, target));
  });
});
