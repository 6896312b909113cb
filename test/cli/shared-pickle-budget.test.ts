// Issue 14 item 6: a 2 KB pickle whose 100 keys share one 40-level list took `inspect` 41 s / 5 GB (734 MB of JSON)
// and `scan` 27 s / 2.3 GB. Real files, real processes: the output and the peak RSS stay small.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCkptMeasured } from "../helpers/measured-process.ts";
import { sharedListCheckpoint } from "../helpers/oversize-inputs.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

// Bun alone is ~50 MB; before the fix these processes peaked at several GB.
const RSS_BUDGET = 400 * 1024 * 1024;

function writeShared(dir: string): string {
  const path = join(dir, "runs/shared.pt");
  mkdirSync(join(dir, "runs"), { recursive: true });
  const bytes = sharedListCheckpoint({ depth: 40, keys: 100, leafBytes: 8 });
  expect(bytes.length).toBeLessThan(4096);
  writeFileSync(path, bytes);
  return path;
}

describe("a pickle whose keys share one deep list", () => {
  test("inspect --json writes the first occurrence, points later ones at it, and says so", async () => {
    using dir = makeTempDir("shared-inspect");
    const path = writeShared(dir.path);
    const run = await runCkptMeasured(["inspect", "--json", path]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout.length).toBeLessThan(1024 * 1024);
    expect(run.maxRssBytes).toBeLessThan(RSS_BUDGET);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    const others = report["other_values"] as Record<string, unknown>;
    expect(Object.keys(others)).toHaveLength(100);
    // Each key is its own value in the report: the first level below it is written, repeats point back.
    const first = others["key_1"] as unknown[];
    expect(first[1]).toEqual({ __same_as__: "$[0]" });
    expect(report["warnings"]).toEqual([
      expect.stringContaining("data.pkl shares objects between several places: "),
    ]);
  });

  test("scan indexes it with a small process and a small sidecar", async () => {
    using dir = makeTempDir("shared-scan");
    const path = writeShared(dir.path);
    const catalog = join(dir.path, "state/catalog.db");
    const run = await runCkptMeasured(["scan", join(dir.path, "runs"), "--catalog", catalog, "--json"]);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ added: 1, failed: 0, sidecars_written: 1 });
    expect(run.maxRssBytes).toBeLessThan(RSS_BUDGET);
    expect(readFileSync(path.replace(/\.pt$/, ".metadata.yaml"), "utf8").length).toBeLessThan(16 * 1024);
  });
});
