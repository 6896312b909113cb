// Issue 14 item 6: every input ckpt reads whole has a documented cap (INPUT_CAPS); a file over it is reported as
// too large, with the file, the cap and what to do, and costs no memory. Real files, real processes.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { materializeWritePlan, planTorchZip, torchSaveEntries } from "../../src/core/formats/zip-writer.ts";
import { runCkptMeasured } from "../helpers/measured-process.ts";
import { writeHugeHeaderSafetensors, writeLargeYaml } from "../helpers/oversize-inputs.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { safetensorsBytes } from "../helpers/synthetic-checkpoints.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

// Bun alone is ~50 MB; each of these inputs used to cost a multiple of its size (a 94 MB header took 1.75 GB).
const RSS_BUDGET = 250 * 1024 * 1024;
const LIGHTNING = "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/last.ckpt";

type Report = { status: string; error: { code: string; message: string } | null };

async function inspect(path: string): Promise<Report> {
  const run = await runCkptMeasured(["inspect", "--json", path]);
  expect(run.maxRssBytes).toBeLessThan(RSS_BUDGET);
  return JSON.parse(run.stdout) as Report;
}

function hfCheckpoint(dir: string, trainerState: string): string {
  const path = join(dir, "out/checkpoint-10");
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, "config.json"), '{"architectures": ["BertForSequenceClassification"]}');
  writeFileSync(join(path, "model.safetensors"), safetensorsBytes("classifier.weight", 4));
  writeFileSync(join(path, "trainer_state.json"), trainerState);
  return path;
}

describe("inputs over their cap", () => {
  test("a safetensors header of 20 MB: too large, nothing parsed", async () => {
    using dir = makeTempDir("cap-safetensors");
    const path = join(dir.path, "model.safetensors");
    writeHugeHeaderSafetensors(path, 250_000);
    const report = await inspect(path);
    expect(report.status).toBe("too-large");
    expect(report.error?.code).toBe("safetensors-too-large");
    expect(report.error?.message).toMatch(
      /model\.safetensors: its header is 2\d\.\d MB, over ckpt's 8\.0 MB cap for a safetensors header; it was not read \(the file may be fine/,
    );
  });

  test("a data.pkl of 33 MB: too large, not interpreted", async () => {
    using dir = makeTempDir("cap-pickle");
    const path = join(dir.path, "big.pt");
    // PROTO 2, BINUNICODE of 33 MB, STOP.
    const dataPkl = new Uint8Array(2 + 5 + 33_000_000 + 1).fill(0x78);
    dataPkl.set([0x80, 2, 0x58], 0);
    new DataView(dataPkl.buffer).setUint32(3, 33_000_000, true);
    dataPkl[dataPkl.length - 1] = 0x2e;
    writeFileSync(path, materializeWritePlan(planTorchZip(torchSaveEntries({ root: "big", dataPkl }))));
    const report = await inspect(path);
    expect([report.status, report.error?.code]).toEqual(["too-large", "pickle-too-large"]);
    expect(report.error?.message).toContain(
      "big/data.pkl is 33.0 MB, over ckpt's 32.0 MB cap for a checkpoint's pickle (data.pkl); it was not read",
    );
  });

  test.each([
    [
      "too large",
      `{"global_step": 10, "log_history": [], "pad": "${"x".repeat(64_500_000)}"}`,
      "trainer-state-too-large",
    ],
    [
      "too deep",
      `{"global_step": 10, "log_history": [], "x": ${"[".repeat(20_000)}${"]".repeat(20_000)}}`,
      "trainer-state-too-deep",
    ],
  ])("a trainer_state.json %s is said so, not 'still being written'", async (_name, text, code) => {
    using dir = makeTempDir("cap-trainer-state");
    const report = await inspect(hfCheckpoint(dir.path, text));
    expect([report.status, report.error?.code]).toEqual(["too-large", code]);
    expect(report.error?.message).not.toContain("being written");
    expect(report.error?.message).toContain("trainer_state.json is ");
  });

  test("a sidecar of 5 MB: validate names it and the cap, without parsing it", async () => {
    using dir = makeTempDir("cap-sidecar");
    mkdirSync(join(dir.path, "runs"));
    writeFileSync(
      join(dir.path, "runs/a.pt"),
      await Bun.file(join(realFixtureRoot, "torch/tutorial_checkpoint.pt")).bytes(),
    );
    writeLargeYaml(join(dir.path, "runs/a.metadata.yaml"), 5_000_000, 'schema_version: "1.0"\n');
    const run = await runCkptMeasured(["validate", join(dir.path, "runs")]);
    expect(run.maxRssBytes).toBeLessThan(RSS_BUDGET);
    expect(run.stdout).toContain(
      "the sidecar is 5.0 MB, over ckpt's 4.0 MB cap for a metadata sidecar; it was not read (ckpt writes a few KB",
    );
  });

  test("an hparams.yaml of 9 MB: the checkpoint is shown without it, and the warning says why", async () => {
    using dir = makeTempDir("cap-hparams");
    const logDir = join(dir.path, "lightning_logs/version_0");
    mkdirSync(join(logDir, "checkpoints"), { recursive: true });
    writeFileSync(
      join(logDir, "checkpoints/last.ckpt"),
      await Bun.file(join(realFixtureRoot, LIGHTNING)).bytes(),
    );
    writeLargeYaml(join(logDir, "hparams.yaml"), 9_000_000);
    const run = await runCkptMeasured(["show", join(logDir, "checkpoints/last.ckpt")], { cwd: dir.path });
    expect(run.exitCode).toBe(0);
    expect(run.maxRssBytes).toBeLessThan(RSS_BUDGET);
    expect(run.stdout).toContain(
      `warning: ${join(logDir, "hparams.yaml")}: the file is 9.0 MB, over ckpt's 8.0 MB cap for a config file; it was not read`,
    );
  });
});
