import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildCheckpointMetadata } from "../../../src/io/checkpoint/checkpoint-metadata-pipeline.ts";
import { createFsMemo } from "../../../src/io/fs/fs-memo.ts";
import { loadRunContext } from "../../../src/io/run-files/run-context.ts";
import { createRunContextCache } from "../../../src/io/run-files/run-file-reader.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const RUN = join(realFixtureRoot, "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44");

describe("loadRunContext", () => {
  test("finds and parses a Hydra + Lightning run; a shared cache parses each file once", () => {
    const cache = createRunContextCache();
    const first = loadRunContext({
      checkpointPath: join(RUN, "checkpoints/last.ckpt"),
      scanRoot: realFixtureRoot,
      cache,
    });
    const entries = cache.parsed.size;
    const second = loadRunContext({
      checkpointPath: join(RUN, "checkpoints/epoch=3-step=32-val/hmean=0.8819.ckpt"),
      scanRoot: realFixtureRoot,
      cache,
    });
    expect({
      runDir: first.runDir,
      hydraConfig: first.hydra?.configPath,
      runName: first.hydra?.config?.["run_name"],
      jobName: first.hydra?.runtime?.jobName,
      hparams: first.hparams?.path,
      logger: first.loggerName,
      series: first.series.map((series) => [series.source, series.points.length > 0]),
      problems: first.problems,
    }).toEqual({
      runDir: RUN,
      hydraConfig: join(RUN, ".hydra/config.yaml"),
      runName: "dbnet_r18_dev_full",
      jobName: "gen_lightning",
      hparams: join(RUN, "csv_logs/version_0/hparams.yaml"),
      logger: "csv_logs",
      series: [
        ["metrics.csv", true],
        ["events", true],
      ],
      problems: [],
    });
    expect(cache.parsed.size).toBe(entries);
    expect(second.series[0]?.points).toBe(first.series[0]?.points);
  });

  test("the cache keeps the run files used last and stays bounded over hundreds of runs", () => {
    using dir = makeTempDir("run-context-cache");
    const cache = createRunContextCache();
    const contextOf = (run: number) => {
      const runDir = join(dir.path, `run${run}`, "csv_logs", "version_0");
      mkdirSync(join(runDir, "checkpoints"), { recursive: true });
      writeFileSync(join(runDir, "hparams.yaml"), `lr: ${run}\n`);
      writeFileSync(join(runDir, "checkpoints", "last.ckpt"), "");
      return loadRunContext({
        checkpointPath: join(runDir, "checkpoints", "last.ckpt"),
        scanRoot: dir.path,
        cache,
      });
    };
    for (let run = 0; run < 300; run++) expect(contextOf(run).hparams?.values["lr"]).toBe(run);
    expect(cache.parsed.size).toBeGreaterThan(0);
    expect(cache.parsed.size).toBeLessThanOrEqual(256);
    expect([...cache.parsed.keys()].at(-1)).toContain("run299");
    expect(contextOf(0).hparams?.values["lr"]).toBe(0);
  });
});

describe("loadRunContext within one scan (a shared memo)", () => {
  test("checkpoints of a run share one context; one with its own <stem>.config.yaml gets its own", () => {
    using dir = makeTempDir("shared-context");
    const run = join(dir.path, "run");
    mkdirSync(join(run, ".hydra"), { recursive: true });
    mkdirSync(join(run, "checkpoints"));
    writeFileSync(join(run, ".hydra/config.yaml"), "lr: 0.1\n");
    writeFileSync(join(run, "checkpoints/own.config.yaml"), "lr: 0.5\n");
    for (const name of ["a.ckpt", "b.ckpt", "own.ckpt"]) writeFileSync(join(run, "checkpoints", name), "x");
    const memo = createFsMemo();
    const cache = createRunContextCache();
    const contextOf = (name: string) =>
      loadRunContext({ checkpointPath: join(run, "checkpoints", name), scanRoot: dir.path, cache, memo });
    const [a, b, own] = [contextOf("a.ckpt"), contextOf("b.ckpt"), contextOf("own.ckpt")];
    expect(b).toBe(a);
    expect([a.hydra?.configPath, a.hydra?.config]).toEqual([join(run, ".hydra/config.yaml"), { lr: 0.1 }]);
    expect([own.hydra?.configPath, own.hydra?.config]).toEqual([
      join(run, "checkpoints/own.config.yaml"),
      { lr: 0.5 },
    ]);
    // Without a scan's memo nothing is shared (each call looks afresh), and the answer is the same.
    const alone = loadRunContext({ checkpointPath: join(run, "checkpoints/b.ckpt"), scanRoot: dir.path });
    expect(alone).not.toBe(a);
    expect(alone).toEqual(a);
  });
});

describe("buildCheckpointMetadata", () => {
  test.each([
    ["broken/empty.ckpt", "not-a-checkpoint", false],
    ["broken/malicious_reduce.ckpt", "unsafe", true],
    ["torch/tiny_cnn.safetensors", "ok", true],
  ])("%s → report status %s, metadata %p; never throws", (name, status, hasMetadata) => {
    const built = buildCheckpointMetadata(join(realFixtureRoot, name), {
      scanRoot: realFixtureRoot,
      now: () => 0,
    });
    expect([built.report.status, built.metadata !== null, built.metadata?.checkpoint_path ?? null]).toEqual([
      status,
      hasMetadata,
      hasMetadata ? name : null,
    ]);
  });

  test("a missing path is a report, not a throw", () => {
    const built = buildCheckpointMetadata("/nonexistent/x.ckpt", { scanRoot: "/nonexistent", now: () => 0 });
    // Nothing read names the run: the catalog keeps what its other checkpoints said.
    expect([built.metadata, built.run.expName, built.run.task]).toEqual([null, null, null]);
  });
});
