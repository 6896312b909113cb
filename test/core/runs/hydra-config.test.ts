import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  configCandidatePaths,
  parseHydraConfig,
  parseHydraOverrides,
  parseHydraRuntime,
} from "../../../src/core/runs/hydra-config.ts";

const RUN = join(
  import.meta.dir,
  "../../fixtures/real/lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/.hydra",
);
const read = (name: string) => readFileSync(join(RUN, name), "utf8");
// Hydra interpolations are literal text in these files; built here so no string looks like a broken template.
const interpolation = (path: string) => `$\{${path}}`;

describe("real Hydra 1.3.2 files", () => {
  test("config.yaml stays unresolved", () => {
    const parsed = parseHydraConfig(read("config.yaml"), "config.yaml");
    if (!parsed.success) throw new Error(parsed.error.message);
    expect(parsed.data["scheduler"]).toEqual({ name: "cosine", T_max: interpolation("trainer.max_epochs") });
    expect(parsed.data["checkpoints"]).toEqual([
      {
        monitor: "val/hmean",
        mode: "max",
        save_top_k: 3,
        save_last: true,
        filename: "dbnet-epoch{epoch:02d}-hmean{val/hmean:.4f}",
        auto_insert_metric_name: false,
        dirpath: "checkpoints",
      },
    ]);
  });

  test("hydra.yaml: job, output dir, choices, overrides", () => {
    expect(parseHydraRuntime(read("hydra.yaml"), "hydra.yaml")).toEqual({
      success: true,
      data: {
        jobName: "gen_lightning",
        outputDir: "/srv/experiments/dev/lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56",
        cwd: "/srv/experiments/dev/lightning",
        version: "1.3.2",
        mode: "RUN",
        choices: {
          run: "dev_cleval",
          model: "dbnet_r18_tiny",
          "hydra/env": "default",
          "hydra/callbacks": null,
          "hydra/job_logging": "default",
          "hydra/hydra_logging": "default",
          "hydra/hydra_help": "default",
          "hydra/help": "default",
          "hydra/sweeper": "basic",
          "hydra/launcher": "basic",
          "hydra/output": "default",
        },
        taskOverrides: ["+run=dev_cleval"],
      },
    });
  });

  test("overrides.yaml", () => {
    expect(parseHydraOverrides(read("overrides.yaml"), "overrides.yaml")).toEqual({
      success: true,
      data: ["+run=dev_cleval"],
    });
    expect(parseHydraOverrides("", "o.yaml")).toEqual({ success: true, data: [] });
    expect(parseHydraOverrides("a: 1\n", "o.yaml").success).toBe(false);
  });

  test("??? stays a string; a broken file names file and line", () => {
    expect(parseHydraConfig(`a: ???\nb: ${interpolation("a")}\n`, "c.yaml")).toEqual({
      success: true,
      data: { a: "???", b: interpolation("a") },
    });
    const broken = parseHydraConfig("a: 1\nb: [\n", ".hydra/config.yaml");
    expect(broken.success).toBe(false);
    if (!broken.success) expect(broken.error.message).toStartWith(".hydra/config.yaml:");
    expect(parseHydraConfig("- 1\n", "c.yaml").success).toBe(false);
  });
});

describe("configCandidatePaths", () => {
  test("nested metric sub-dir: sidecars, then .hydra up to two levels, then further parents", () => {
    expect(
      configCandidatePaths({
        checkpointPath: "/r/out/run/checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt",
        maxLevels: 4,
      }),
    ).toEqual([
      "/r/out/run/checkpoints/epoch=2-step=24-val/hmean=0.8467.config.yaml",
      "/r/out/run/checkpoints/epoch=2-step=24-val/hmean=0.8467.resolved.config.json",
      "/r/out/run/checkpoints/epoch=2-step=24-val/.hydra/config.yaml",
      "/r/out/run/checkpoints/.hydra/config.yaml",
      "/r/out/run/.hydra/config.yaml",
      "/r/out/.hydra/config.yaml",
      "/r/out/config.yaml",
      "/r/.hydra/config.yaml",
      "/r/config.yaml",
    ]);
  });

  test(".pth.tar stem, stop at the scan root, HF directory", () => {
    expect(configCandidatePaths({ checkpointPath: "/s/exp/model_best.pth.tar", stopAt: "/s" })).toEqual([
      "/s/exp/model_best.config.yaml",
      "/s/exp/model_best.resolved.config.json",
      "/s/exp/.hydra/config.yaml",
      "/s/.hydra/config.yaml",
    ]);
    expect(
      configCandidatePaths({ checkpointPath: "out/checkpoint-500/", isDirectory: true, maxLevels: 0 }),
    ).toEqual([
      "out/checkpoint-500.config.yaml",
      "out/checkpoint-500.resolved.config.json",
      "out/.hydra/config.yaml",
    ]);
  });
});
