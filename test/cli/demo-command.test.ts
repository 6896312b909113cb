import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { DEMO_RUNS, demoCheckpointName, demoEpochMetrics } from "../../src/core/demo/demo-runs.ts";
import { runCkpt } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

describe("ckpt demo --no-tui", () => {
  test("simulated training is indexed live: every checkpoint gets a valid sidecar, best is each run's best", async () => {
    using dir = makeTempDir("demo");
    const environment = { home: dir.path, catalog: join(dir.path, "demo/catalog.db") };
    const demo = await runCkpt(environment, [
      "demo",
      join(dir.path, "demo"),
      "--no-tui",
      "--epoch-seconds",
      "0.2",
    ]);
    expect(demo.exitCode).toBe(0);
    expect(demo.stdout).toContain(`demo    done: every checkpoint is indexed in ${environment.catalog}`);
    const outputs = join(dir.path, "demo/outputs");
    expect(demo.stderr).toBe(
      [
        `ckpt: the demo tree is kept in ${join(dir.path, "demo")} (its catalog: ${environment.catalog}); browse it with`,
        `  ckpt tui ${outputs} --catalog ${environment.catalog}`,
        `  ckpt best ${outputs} --catalog ${environment.catalog}`,
        "",
      ].join("\n"),
    );

    const validate = await runCkpt(environment, ["validate", join(dir.path, "demo/outputs"), "--json"]);
    const report = JSON.parse(validate.stdout);
    expect(report.summary).toMatchObject({ invalid: 0, missing: 0, orphans: 0, io_errors: 0 });
    expect(validate.exitCode).toBe(0);

    // The command the demo printed, as printed.
    const printed = demo.stderr.split("\n").find((line) => line.startsWith("  ckpt best ")) ?? "";
    const best = await runCkpt(environment, [...printed.trim().split(" ").slice(1), "--json"]);
    expect(best.exitCode).toBe(0);
    const winners = (JSON.parse(best.stdout) as Array<{ path: string }>).map((entry) =>
      entry.path.split("/").pop(),
    );
    const expected = DEMO_RUNS.map((run) => {
      const epochs = Array.from({ length: run.epochs }, (_, epoch) => epoch);
      const top = epochs.reduce((a, b) =>
        demoEpochMetrics(run, b)["val/hmean"] > demoEpochMetrics(run, a)["val/hmean"] ? b : a,
      );
      return demoCheckpointName(run, top);
    });
    expect(winners.sort()).toEqual(expected.sort());
    // ~5 s on an idle machine; the bound is for a loaded one.
  }, 120_000);
});
