// `ckpt watch --retain` and a root's policy file, with a real daemon and a writer adding checkpoints: the run stays
// within the policy's bounds while it grows, each deletion is one log line, and a dry run only logs.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type DaemonEnvironment,
  type LogLine,
  runCkpt,
  startDaemonReady,
} from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS * 2);

const source = join(realFixtureRoot, "torch/tiny_cnn.safetensors");
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function setUp(prefix: string) {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  const runs = join(dir.path, "runs");
  const run = join(runs, "run-a");
  mkdirSync(run, { recursive: true });
  const environment: DaemonEnvironment = { home: dir.path, catalog: join(dir.path, "state", "catalog.db") };
  return { dir: dir.path, runs, run, environment };
}

/** Written as frameworks do: to a staging name, then renamed into place. */
function writeCheckpoint(run: string, index: number): string {
  const path = join(run, `model-${String(index).padStart(3, "0")}.safetensors`);
  const staging = join(run, `tmp-${index}.safetensors.tmp`);
  copyFileSync(source, staging);
  renameSync(staging, path);
  return path;
}

const checkpoints = (run: string) =>
  readdirSync(run)
    .filter((name) => name.endsWith(".safetensors"))
    .sort();
const indexed = (path: string) => (line: LogLine) =>
  line.msg === "checkpoint indexed" && line["path"] === path;

describe("the daemon's standing retention policy", () => {
  test("--retain last=3: a writer adds 50 checkpoints and the run never holds more than the bound", async () => {
    const { run, runs, environment } = setUp("retain-live");
    const daemon = await startDaemonReady(
      environment,
      [runs],
      ["--log-format", "json", "--retain", "last=3"],
    );
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    let most = 0;
    for (let index = 0; index < 50; index++) {
      const path = writeCheckpoint(run, index);
      await daemon.waitForLog(indexed(path), `checkpoint ${index} indexed`);
      // The newest is indexed before its run is pruned: at most the three kept plus it.
      most = Math.max(most, checkpoints(run).length);
    }
    expect(most).toBeLessThanOrEqual(4);
    const last = ["047", "048", "049"].map((index) => `model-${index}.safetensors`);
    await waitFor(() => checkpoints(run).join() === last.join(), {
      what: "the run pruned to its last three",
    });
    const deletedLines = () => daemon.lines.filter((line) => line.msg === "retention deleted");
    // The line follows the deletion it reports.
    const deleted = await waitFor(() => deletedLines().length >= 47 && deletedLines(), {
      what: "47 deletions logged",
    });
    expect(deleted.length).toBe(47);
    expect(deleted[0]?.["reason"]).toMatch(/^newest 4 of 4$/);
    expect(
      readdirSync(run)
        .filter((name) => name.endsWith(".metadata.yaml"))
        .sort(),
    ).toEqual(last.map((name) => name.replace(".safetensors", ".metadata.yaml")));
    const ls = await runCkpt(environment, ["ls", "--json", "--no-scan", "--catalog", environment.catalog]);
    expect((JSON.parse(ls.stdout) as { path: string }[]).map((entry) => entry.path)).toEqual(
      last.map((name) => join(run, name)),
    );
    daemon.process.kill("SIGTERM");
    expect(await daemon.process.exited).toBe(0);
  });

  test("a root's ckpt.yaml with dry_run only logs; --retain with a typo is exit 2 naming the key", async () => {
    const { run, runs, environment } = setUp("retain-file");
    writeFileSync(join(runs, "ckpt.yaml"), "retain:\n  last: 1\n  dry_run: true\n");
    const daemon = await startDaemonReady(environment, [runs], ["--log-format", "json"]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    for (let index = 0; index < 3; index++) {
      const path = writeCheckpoint(run, index);
      await daemon.waitForLog(indexed(path), `checkpoint ${index} indexed`);
    }
    await daemon.waitForLog(
      (line) =>
        line.msg === "retention would delete" && String(line["path"]).endsWith("model-001.safetensors"),
      "the dry run's line for model-001",
    );
    expect(checkpoints(run).length).toBe(3);
    expect(daemon.lines.some((line) => line.msg === "retention deleted")).toBe(false);
    daemon.process.kill("SIGTERM");
    await daemon.process.exited;
    const typo = await runCkpt(environment, [
      "watch",
      runs,
      "--retain",
      "lats=2",
      "--catalog",
      environment.catalog,
    ]);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain("unknown key 'lats'");
    expect(typo.stderr).toContain("Did you mean 'last'");
  });

  test("--readonly: a root's policy that would delete only logs, no sidecar is written; --sidecars write beside it is exit 2", async () => {
    const { run, runs, environment } = setUp("retain-readonly");
    writeFileSync(join(runs, "ckpt.yaml"), "retain:\n  last: 1\n");
    const daemon = await startDaemonReady(environment, [runs], ["--log-format", "json", "--readonly"]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    for (let index = 0; index < 3; index++) {
      const path = writeCheckpoint(run, index);
      await daemon.waitForLog(indexed(path), `checkpoint ${index} indexed`);
    }
    await daemon.waitForLog(
      (line) =>
        line.msg === "retention would delete" && String(line["path"]).endsWith("model-001.safetensors"),
      "the read-only policy's line for model-001",
    );
    expect(readdirSync(run).sort()).toEqual(checkpoints(run));
    expect(checkpoints(run).length).toBe(3);
    expect(daemon.lines.some((line) => line.msg === "retention deleted")).toBe(false);
    daemon.process.kill("SIGTERM");
    await daemon.process.exited;
    const both = await runCkpt(environment, [
      "watch",
      runs,
      "--readonly",
      "--sidecars",
      "write",
      "--catalog",
      environment.catalog,
    ]);
    expect([both.exitCode, both.stderr]).toEqual([
      2,
      expect.stringContaining("--readonly writes nothing into DIR"),
    ]);
  });
});
