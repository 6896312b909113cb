import { expect, test } from "bun:test";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { locateRunFiles } from "../../../src/io/run-files/run-dir-locator.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures");
const LIGHTNING = "real/lightning/outputs";

/** Copies a fixture tree and makes it writable (the committed fixtures are read-only), so the temp dir can be removed. */
function copyTree(from: string, to: string): void {
  cpSync(join(FIXTURES, from), to, { recursive: true });
  const makeWritable = (path: string): void => {
    chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) makeWritable(join(path, name));
  };
  makeWritable(to);
}

function touch(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, "");
}

test("Lightning + Hydra, checkpoint in checkpoints/ beside csv_logs/ and tb_logs/, metric sub-dir", () => {
  using temp = makeTempDir("locator");
  const run = join(temp.path, "outputs/dbnet_r18_dev_full/2026-11-22/14-52-44");
  copyTree(`${LIGHTNING}/dbnet_r18_dev_full/2026-11-22/14-52-44`, run);
  const checkpointPath = join(run, "checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt");
  const found = locateRunFiles({ checkpointPath, scanRoot: temp.path });
  const csv = join(run, "csv_logs/version_0");
  const tb = join(run, "tb_logs/version_0");
  expect(found).toEqual({
    checkpointPath,
    runDir: run,
    hydraDir: run,
    hydra: {
      configYaml: join(run, ".hydra/config.yaml"),
      hydraYaml: join(run, ".hydra/hydra.yaml"),
      overridesYaml: join(run, ".hydra/overrides.yaml"),
    },
    lightningLogDirs: [
      {
        dir: csv,
        hparamsYaml: join(csv, "hparams.yaml"),
        metricsCsv: join(csv, "metrics.csv"),
        eventFiles: [],
      },
      {
        dir: tb,
        hparamsYaml: join(tb, "hparams.yaml"),
        metricsCsv: null,
        eventFiles: [join(tb, "events.out.tfevents.1795359166.vm")],
      },
    ],
    timm: null,
    ultralytics: null,
    hf: null,
    eventFiles: [join(tb, "events.out.tfevents.1795359166.vm")],
    wandb: null,
    mlflow: null,
    configFiles: [join(run, ".hydra/config.yaml")],
  });
});

test("Lightning default dir: checkpoint inside csv_logs/version_0/checkpoints/ comes first", () => {
  using temp = makeTempDir("locator");
  const run = join(temp.path, "14-53-02");
  copyTree(`${LIGHTNING}/dbnet_r18_dev_pl214/2026-11-22/14-53-02`, run);
  const version = join(run, "csv_logs/version_0");
  rmSync(join(version, "checkpoints/last.ckpt"));
  symlinkSync("epoch=2-step=24.ckpt", join(version, "checkpoints/last.ckpt"));
  const found = locateRunFiles({
    checkpointPath: join(version, "checkpoints/last.ckpt"),
    scanRoot: temp.path,
  });
  expect([found.runDir, found.hydraDir, found.lightningLogDirs]).toEqual([
    run,
    run,
    [
      {
        dir: version,
        hparamsYaml: join(version, "hparams.yaml"),
        metricsCsv: join(version, "metrics.csv"),
        eventFiles: [],
      },
    ],
  ]);
  expect(found.configFiles).toEqual([join(run, ".hydra/config.yaml")]);
});

test("timm output dir and Ultralytics weights/", () => {
  using temp = makeTempDir("locator");
  const timm = join(temp.path, "timm");
  copyTree("real/timm/output/train/20261122-145342-test_efficientnet-32", timm);
  const timmFound = locateRunFiles({
    checkpointPath: join(timm, "checkpoint-1.pth.tar"),
    scanRoot: temp.path,
  });
  expect([timmFound.runDir, timmFound.timm, timmFound.ultralytics, timmFound.lightningLogDirs]).toEqual([
    timm,
    { summaryCsv: join(timm, "summary.csv"), argsYaml: join(timm, "args.yaml") },
    null,
    [],
  ]);
  const yolo = join(temp.path, "runs/detect/train");
  copyTree("real/ultralytics/runs/detect/train", yolo);
  const yoloFound = locateRunFiles({ checkpointPath: join(yolo, "weights/epoch25.pt"), scanRoot: temp.path });
  expect([yoloFound.runDir, yoloFound.ultralytics, yoloFound.timm]).toEqual([
    yolo,
    { resultsCsv: join(yolo, "results.csv"), argsYaml: join(yolo, "args.yaml") },
    null,
  ]);
});

test("HF checkpoint-N dir: output dir, trainer_state, runs/ event files", () => {
  using temp = makeTempDir("locator");
  const output = join(temp.path, "output");
  copyTree("runs/hf/output", output);
  const checkpointPath = join(output, "checkpoint-1000");
  const found = locateRunFiles({ checkpointPath, scanRoot: temp.path });
  expect([found.runDir, found.hf, found.eventFiles]).toEqual([
    output,
    {
      outputDir: output,
      trainerState: join(checkpointPath, "trainer_state.json"),
      configJson: join(checkpointPath, "config.json"),
    },
    [join(output, "runs/Jan02_03-04-05_host/events.out.tfevents.1704164645.host.123.0")],
  ]);
});

test("W&B: the run that started last before the checkpoint was written, from the nearest wandb/ dir", () => {
  using temp = makeTempDir("locator");
  const project = join(temp.path, "project");
  copyTree("runs/wandb/project", project);
  mkdirSync(join(project, "wandb/offline-run-20240105_000000-off00001/files"), { recursive: true });
  symlinkSync("run-20240103_101010-core0001", join(project, "wandb/latest-run"));
  const checkpointPath = join(project, "outputs/2024-01-03/10-10-09/checkpoints/last.ckpt");
  touch(checkpointPath);
  const mtime = (text: string) => new Date(text).getTime();
  const pick = (when: string) =>
    locateRunFiles({ checkpointPath, scanRoot: temp.path, checkpointMtimeMs: mtime(when) }).wandb;
  const wandb = join(project, "wandb");
  expect(pick("2024-01-03T12:00:00")).toEqual({
    runDir: join(wandb, "run-20240103_101010-core0001"),
    runId: "core0001",
    candidates: 3,
  });
  expect(pick("2024-01-02T05:00:00")).toEqual({
    runDir: join(wandb, "run-20240102_030405-abc123xy"),
    runId: "abc123xy",
    candidates: 3,
  });
  expect(pick("2024-01-06T00:00:00")?.runId).toBe("off00001");
  expect(pick("2023-12-31T00:00:00")?.runId).toBe("abc123xy");
  const atDate = new Date("2024-01-03T12:00:00");
  utimesSync(checkpointPath, atDate, atDate);
  expect(locateRunFiles({ checkpointPath, scanRoot: temp.path }).wandb?.runId).toBe("core0001");
  expect(locateRunFiles({ checkpointPath, scanRoot: join(project, "outputs") }).wandb).toBe(null);
});

test("MLflow: checkpoint inside the run dir, else matched by artifact_uri or run_name in a nearby mlruns/", () => {
  using temp = makeTempDir("locator");
  const mlruns = join(temp.path, "mlruns");
  copyTree("runs/mlflow/mlruns", mlruns);
  const runDir = join(mlruns, "123456789/0a1b2c3d4e5f60718293a4b5c6d7e8f9");
  const inside = locateRunFiles({
    checkpointPath: join(runDir, "artifacts/checkpoints/epoch=1-step=16.ckpt"),
    scanRoot: temp.path,
  });
  expect(inside.mlflow).toEqual({
    runDir,
    experimentDir: join(mlruns, "123456789"),
    matchedBy: "contains-checkpoint",
  });
  const byName = join(temp.path, "dbnet-r18-dev/checkpoints/last.ckpt");
  touch(byName);
  expect(locateRunFiles({ checkpointPath: byName, scanRoot: temp.path }).mlflow).toEqual({
    runDir,
    experimentDir: join(mlruns, "123456789"),
    matchedBy: "run-name",
  });
  const moved = join(mlruns, "123456789/ffff0000ffff0000ffff0000ffff0000");
  mkdirSync(moved);
  writeFileSync(
    join(moved, "meta.yaml"),
    `artifact_uri: file://${temp.path}/store/ffff\nrun_name: other-run\n`,
  );
  const byUri = join(temp.path, "store/ffff/model/last.ckpt");
  touch(byUri);
  expect(locateRunFiles({ checkpointPath: byUri, scanRoot: temp.path, maxLevels: 4 }).mlflow).toEqual({
    runDir: moved,
    experimentDir: join(mlruns, "123456789"),
    matchedBy: "artifact-uri",
  });
  const unrelated = join(temp.path, "other/checkpoints/last.ckpt");
  touch(unrelated);
  expect(locateRunFiles({ checkpointPath: unrelated, scanRoot: temp.path }).mlflow).toBe(null);
});

test("the walk is bounded by maxLevels and the scan root", () => {
  using temp = makeTempDir("locator");
  const run = join(temp.path, "a/b");
  copyTree(`${LIGHTNING}/dbnet_r18_dev_legacy/2026-11-22/14-52-50`, run);
  const checkpointPath = join(run, "csv_logs/version_0/checkpoints/epoch=2-step=24.ckpt");
  expect(locateRunFiles({ checkpointPath, maxLevels: 2 }).hydraDir).toBe(null);
  expect(locateRunFiles({ checkpointPath, maxLevels: 3 }).hydraDir).toBe(run);
  expect(locateRunFiles({ checkpointPath, scanRoot: join(run, "csv_logs") }).hydraDir).toBe(null);
});
