import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reassembleRunMetrics } from "../../src/daemon/run-reassembly.ts";
import { openCatalogForWriting } from "../../src/io/catalog/catalog-db.ts";
import { storedMetadata } from "../../src/io/catalog/catalog-stored-metadata.ts";
import { scanCatalog } from "../../src/io/scan/catalog-scan.ts";
import { readSidecar } from "../../src/io/sidecar/sidecar-store.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

// A real Lightning run: its checkpoints take val/precision from csv_logs' metrics.csv (val/hmean from the checkpoint).
const RUN = join(realFixtureRoot, "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44");
const EPOCH2 = "checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt";
const EPOCH2_SIDECAR = "checkpoints/epoch=2-step=24-val/hmean=0.8467.metadata.yaml";
const METRICS = "csv_logs/version_0/metrics.csv";

let temp: ReturnType<typeof makeTempDir>;
let dir: { readonly path: string };
let database: Database;
const now = () => 1_700_000_000_000;

beforeEach(async () => {
  temp = makeTempDir("reassembly");
  dir = { path: join(temp.path, "run") };
  cpSync(RUN, dir.path, { recursive: true });
  database = openCatalogForWriting(join(temp.path, "state", "catalog.db"), { now });
  await scanCatalog(database, { roots: [dir.path], sidecars: "write", now, workers: 0 });
});

afterEach(() => {
  database.close();
  temp[Symbol.dispose]();
});

function reassemble() {
  return reassembleRunMetrics(database, {
    metricFile: join(dir.path, METRICS),
    sidecars: "write",
    now,
    roots: [dir.path],
  });
}

function sidecarPrecision(): unknown {
  const read = readSidecar(join(dir.path, EPOCH2_SIDECAR));
  return read.success ? read.data.data?.metrics?.precision : null;
}

test("a run file that changed nothing the checkpoints hold: no row changes, no sidecar rewritten", async () => {
  const before = readFileSync(join(dir.path, EPOCH2_SIDECAR), "utf8");
  const result = await reassemble();
  expect({ changed: result.changed, written: result.sidecarsWritten, warnings: result.warnings }).toEqual({
    changed: [],
    written: [],
    warnings: [],
  });
  expect(readFileSync(join(dir.path, EPOCH2_SIDECAR), "utf8")).toBe(before);
});

test("a metric rewritten in metrics.csv: the checkpoint's row and the sidecar ckpt wrote follow it", async () => {
  const csv = join(dir.path, METRICS);
  writeFileSync(csv, readFileSync(csv, "utf8").replace("0.7342610955238342", "0.5"));
  const result = await reassemble();
  const path = join(dir.path, EPOCH2);
  expect(result.changed).toContain(path);
  expect(result.sidecarsWritten).toContain(join(dir.path, EPOCH2_SIDECAR));
  expect(storedMetadata(database, path)?.metrics?.precision).toBe(0.5);
  expect(sidecarPrecision()).toBe(0.5);
});

test("a user's own sidecar is their statement: reassembly leaves it and the row alone", async () => {
  const sidecar = join(dir.path, EPOCH2_SIDECAR);
  const users = readFileSync(sidecar, "utf8").replace('    name: "ckpt"', '    name: "my-script"');
  writeFileSync(sidecar, users);
  await scanCatalog(database, { roots: [dir.path], sidecars: "write", now, workers: 0 });
  const csv = join(dir.path, METRICS);
  writeFileSync(csv, readFileSync(csv, "utf8").replace("0.7342610955238342", "0.5"));
  const result = await reassemble();
  expect(result.changed).not.toContain(join(dir.path, EPOCH2));
  expect(readFileSync(sidecar, "utf8")).toBe(users);
});
