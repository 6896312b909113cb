import { describe, expect, test } from "bun:test";
import { cpSync } from "node:fs";
import { join } from "node:path";
import type { CheckpointMetadataV1 } from "../../src/core/metadata/metadata-schema.ts";
import { EXPECTED_METADATA, metadataSummary } from "../helpers/expected-metadata.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const FULL =
  "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt";

describe("ckpt show", () => {
  test("--json: every real fixture, one JSON line per path in argument order, from the real reader", async () => {
    const names = EXPECTED_METADATA.map(([name]) => name);
    const run = await runCliInProcess(["show", "--json", ...names], { cwd: realFixtureRoot });
    const lines = run.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBe(names.length);
    const shown = lines.map((line, index) => {
      if ("error" in line) return [names[index], null];
      const metadata = line as CheckpointMetadataV1;
      // A symlink's metadata is its target's.
      const target = names[index]?.replace(/(dbnet_r18_dev_pl214\/.*)last\.ckpt$/, "$1epoch=2-step=24.ckpt");
      expect(metadata.checkpoint_path).toBe(target ?? "");
      return [names[index], metadataSummary(metadata)];
    });
    // The truth file never loaded the hostile pickle; the reader reads its fake epoch/global_step without running it.
    const expected = EXPECTED_METADATA.map(([name, summary]) =>
      name === "broken/malicious_reduce.ckpt" && summary
        ? [name, { ...summary, training: [3, 24, null], sources: ["checkpoint", "checkpoint", "fallback"] }]
        : [name, summary],
    );
    expect(shown as unknown).toEqual(expected);
    expect(run.exitCode).toBe(1);
  });

  test("human view: the sidecar's sections with where each value came from; a current sidecar is used", async () => {
    using dir = makeTempDir("show-human");
    const root = join(dir.path, "real");
    cpSync(join(realFixtureRoot, "lightning/outputs/dbnet_r18_dev_full"), join(root, "dbnet_r18_dev_full"), {
      recursive: true,
    });
    const path = `real/${FULL.replace("lightning/outputs/", "")}`;
    const fresh = await runCliInProcess(["show", path], { cwd: dir.path });
    expect(fresh.exitCode).toBe(0);
    expect(fresh.stdout).toContain("(assembled from the checkpoint and its run files)");
    expect(fresh.stdout).toContain("metrics\n  precision        0.734261");
    expect(fresh.stdout).toMatch(/ {2}precision +0\.734261 +← metrics\.csv@step=23 \(val\/precision\)\n/);
    expect(fresh.stdout).toMatch(/ {2}monitor +val\/hmean +← checkpoint\n/);
    await runCliInProcess(["convert", "--checkpoint", path], { cwd: dir.path });
    const cached = await runCliInProcess(["show", path], { cwd: dir.path });
    expect(cached.stdout).toContain(
      "(from sidecar real/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/epoch=2-step=24-val/hmean=0.8467.metadata.yaml)",
    );
  });
});
