// What `ckpt watch` logs about a checkpoint written slowly: one line when it starts, one when it is indexed.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import {
  type DaemonEnvironment,
  type DaemonProcess,
  type LogLine,
  startDaemon,
  startDaemonReady,
} from "../helpers/daemon-process.ts";
import { linesWithControlBytes, SHOWN_FILES, writeHostileCheckpoints } from "../helpers/hostile-names.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function daemonOn(prefix: string, extraArgs: readonly string[] = []) {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  const runs = join(dir.path, "runs");
  mkdirSync(runs);
  const environment: DaemonEnvironment = { home: dir.path, catalog: join(dir.path, "state", "catalog.db") };
  const daemon = await startDaemonReady(environment, [runs], extraArgs);
  cleanups.push(() => daemon.process.kill("SIGKILL"));
  return { runs, daemon };
}

const about = (daemon: DaemonProcess, path: string) => daemon.lines.filter((line) => line["path"] === path);
const indexed = (path: string) => (line: LogLine) =>
  line.msg === "checkpoint indexed" && line["path"] === path;

describe("the daemon log of a slow write", () => {
  test("one info line when writing starts, one when indexed; each look is a debug line whose attempt counts up", async () => {
    const { runs, daemon } = await daemonOn("log-chunks", ["--log-level", "debug"]);
    const path = join(runs, "slow.pt");
    const bytes = torchZipBytes({ storageBytes: 64 * 1024, fill: 5 });
    const chunks = 5;
    const fd = openSync(path, "w");
    // Each chunk is written only after the daemon has looked at the file as it was: no timing assumptions.
    for (let index = 0; index < chunks; index++) {
      const start = Math.floor((bytes.length * index) / chunks);
      const end = Math.floor((bytes.length * (index + 1)) / chunks);
      writeSync(fd, bytes, start, end - start);
      if (index === chunks - 1) break;
      await daemon.waitForLog(
        (line) =>
          line.msg === "file incomplete, retrying" && line["path"] === path && line["attempt"] === index + 1,
        `look ${index + 1} at the incomplete file`,
        20_000,
      );
    }
    closeSync(fd);
    await daemon.waitForLog(indexed(path), "the checkpoint indexed", 20_000);
    const info = about(daemon, path).filter((line) => line.level === "info");
    expect(info.map((line) => line.msg)).toEqual(["checkpoint being written", "checkpoint indexed"]);
    const looks = about(daemon, path).filter((line) => line.msg === "file incomplete, retrying");
    expect(looks.map((line) => [line.level, line["attempt"]])).toEqual(
      Array.from({ length: looks.length }, (_, index) => ["debug", index + 1]),
    );
    expect(looks.length).toBeGreaterThanOrEqual(chunks - 1);
  }, 60_000);

  test("the slow writer fixture at the default level: no retry lines, at most one 'being written', one 'indexed'", async () => {
    const { runs, daemon } = await daemonOn("log-fixture");
    const path = join(runs, "slow.pt");
    const writer = Bun.spawn(
      [process.execPath, join(import.meta.dir, "slow-zip-writer-fixture.ts"), path, "8", "150"],
      { stdout: "ignore" },
    );
    expect(await writer.exited).toBe(0);
    await daemon.waitForLog(indexed(path), "the checkpoint indexed", 20_000);
    const messages = about(daemon, path).map((line) => line.msg);
    expect(messages.filter((message) => message !== "checkpoint being written")).toEqual([
      "checkpoint indexed",
    ]);
    expect(messages.filter((message) => message === "checkpoint being written").length).toBeLessThanOrEqual(
      1,
    );
    expect(daemon.lines.filter((line) => line.level === "debug")).toEqual([]);
  }, 60_000);
});

describe("the daemon log of names with control bytes", () => {
  test("text format: each path (and checkpoint=) escaped, one line per event, never a raw control byte", async () => {
    const dir = makeTempDir("log-hostile");
    cleanups.push(() => dir[Symbol.dispose]());
    const runs = join(dir.path, "runs");
    mkdirSync(runs);
    const environment: DaemonEnvironment = { home: dir.path, catalog: join(dir.path, "state", "catalog.db") };
    // The helper asks for JSON; the later flag wins, and the text lines land in `other`.
    const daemon = startDaemon(environment, [runs], ["--log-format", "text"]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    const logged = (message: string) => daemon.other.filter((line) => line.includes(` ${message} `));
    await waitFor(() => logged("reconciled").length > 0, {
      what: "the start-up reconcile",
      timeoutMs: 30_000,
    });
    // A plain run directory: a path with no space in it was logged as it is, control bytes and all.
    const paths = writeHostileCheckpoints(runs, "plain");
    await waitFor(() => logged("sidecar written").length === paths.length, {
      what: "three checkpoints indexed",
      timeoutMs: 30_000,
    });
    rmSync(paths[0] ?? "");
    await waitFor(() => logged("checkpoint removed").length > 0, { what: "the removal", timeoutMs: 30_000 });
    daemon.process.kill("SIGTERM");
    expect(await daemon.process.exited).toBe(0);
    expect(linesWithControlBytes(daemon.other.join("\n"))).toEqual([]);
    const field = (name: string) => (line: string) => new RegExp(` ${name}=(\\S+)`).exec(line)?.[1];
    const shown = (name: string) => join(runs, "plain", name);
    expect({
      indexed: logged("checkpoint indexed").map(field("path")).sort(),
      sidecarsOf: logged("sidecar written").map(field("checkpoint")).sort(),
      removed: logged("checkpoint removed").map(field("path")),
    }).toEqual({
      indexed: SHOWN_FILES.map(shown).sort(),
      sidecarsOf: SHOWN_FILES.map(shown).sort(),
      removed: [shown(SHOWN_FILES[0] ?? "")],
    });
  }, 60_000);
});
