import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, chownSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DaemonEnvironment, runCkpt, startDaemonReady, withCatalog } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
// Root reads anything: the unreadable file is real only for another user.
const asNobody = isRoot ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] : [];

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A run with one readable checkpoint and one its reader may not open; the tree is the reader's otherwise. */
function scene(prefix: string) {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  const runs = join(dir.path, "runs");
  mkdirSync(runs);
  writeFileSync(join(runs, "ok.ckpt"), torchZipBytes({ fill: 1 }));
  const locked = join(runs, "locked.ckpt");
  writeFileSync(locked, torchZipBytes({ fill: 2 }));
  if (isRoot) {
    chmodSync(dir.path, 0o755);
    for (const path of [dir.path, runs, join(runs, "ok.ckpt")]) chownSync(path, NOBODY, NOBODY);
    chmodSync(locked, 0o600);
  } else chmodSync(locked, 0o000);
  cleanups.push(() => chmodSync(locked, 0o644));
  const environment: DaemonEnvironment = {
    home: dir.path,
    catalog: join(dir.path, "catalog.db"),
    asUser: asNobody,
  };
  return { runs, locked, environment };
}

function statuses(catalog: string): Record<string, string> {
  const rows =
    withCatalog(catalog, (database) =>
      database.query<{ path: string; status: string }, []>("SELECT path, status FROM checkpoints").all(),
    ) ?? [];
  return Object.fromEntries(rows.map((row) => [row.path, row.status]));
}

describe("a checkpoint ckpt may not open is unreadable (EACCES), never 'not-a-checkpoint'", () => {
  test("scan reports it as a failure with the errno and retries it once it can be read", async () => {
    const { runs, locked, environment } = scene("unreadable-scan");
    const first = await runCkpt(environment, ["scan", runs, "--catalog", environment.catalog]);
    expect({
      exitCode: first.exitCode,
      failed: first.stdout.split("\n").filter((line) => line.startsWith("failed")),
    }).toEqual({
      exitCode: 1,
      failed: [
        `failed: ${locked}: cannot read it: permission denied (EACCES); check the file's permissions; the next scan retries it`,
      ],
    });
    expect(statuses(environment.catalog)).toEqual({ [join(runs, "ok.ckpt")]: "ok" });
    chmodSync(locked, 0o644);
    const second = await runCkpt(environment, ["scan", runs, "--catalog", environment.catalog, "--json"]);
    expect({ exitCode: second.exitCode, added: JSON.parse(second.stdout).added }).toEqual({
      exitCode: 0,
      added: 1,
    });
    expect(statuses(environment.catalog)).toEqual({ [join(runs, "ok.ckpt")]: "ok", [locked]: "ok" });
  });

  test("watch logs it once as a failed read with the errno and stores no row for it", async () => {
    const { runs, locked, environment } = scene("unreadable-watch");
    const daemon = await startDaemonReady(environment, [runs]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    const failed = await daemon.waitForLog((line) => line.msg === "read failed", "the failed read");
    expect({ level: failed.level, cause: failed["cause"] }).toEqual({
      level: "error",
      cause: `${locked}: cannot read it: permission denied (EACCES); check the file's permissions; the next scan retries it`,
    });
    // The daemon goes on indexing; the failure stays one line.
    writeFileSync(join(runs, "late.ckpt"), torchZipBytes({ fill: 3 }));
    await daemon.waitForLog(
      (line) => line.msg === "checkpoint indexed" && line["path"] === join(runs, "late.ckpt"),
      "a later checkpoint indexed",
    );
    expect(daemon.lines.filter((line) => line.level !== "info" && line.level !== "debug").length).toBe(1);
    expect(statuses(environment.catalog)[locked]).toBeUndefined();
  });
});
