import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type DaemonEnvironment,
  type DaemonProcess,
  runCkpt,
  startDaemonReady,
  withCatalog,
} from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";

// Issue 14, item 8: file names are bytes. `bad\xff.ckpt` must be found, read, catalogued without loss (two names
// that differ only in an invalid byte stay two rows), get its sidecar beside it, and be shown as `bad\xff.ckpt`.
setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const main = join(import.meta.dir, "../../src/main.ts");
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** `directory/` + a name given as bytes, as a path Node's fs takes. */
const rawPath = (directory: string, ...parts: (string | number)[]) =>
  Buffer.concat([
    Buffer.from(`${directory}/`),
    ...parts.map((part) => (typeof part === "number" ? Buffer.of(part) : Buffer.from(part))),
  ]);

/** runs/r/ with bad\xff.ckpt, bad\xfe.ckpt, ok.ckpt and a directory run\xfe/ holding in\xff.pt. */
function tree(prefix: string) {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  const runs = join(dir.path, "runs");
  const r = join(runs, "r");
  mkdirSync(r, { recursive: true });
  writeFileSync(rawPath(r, "bad", 0xff, ".ckpt"), torchZipBytes({ fill: 1 }));
  writeFileSync(rawPath(r, "bad", 0xfe, ".ckpt"), torchZipBytes({ fill: 2 }));
  writeFileSync(join(r, "ok.ckpt"), torchZipBytes({ fill: 3 }));
  mkdirSync(rawPath(r, "run", 0xfe));
  writeFileSync(rawPath(r, "run", 0xfe, "/in", 0xff, ".pt"), torchZipBytes({ fill: 4 }));
  return { base: dir.path, runs, r, catalog: join(dir.path, "c.db") };
}

const SPELLED = ["bad\uFFFDFE.ckpt", "bad\uFFFDFF.ckpt", "ok.ckpt", "run\uFFFDFE/in\uFFFDFF.pt"];

function ckpt(argv: readonly string[], home: string) {
  const result = Bun.spawnSync([process.execPath, main, ...argv], {
    cwd: home,
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: home, XDG_STATE_HOME: join(home, "state") },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

function catalogued(catalog: string): string[] {
  return (
    withCatalog(catalog, (database) =>
      database
        .query<{ path: string }, []>("SELECT path FROM checkpoints ORDER BY path")
        .all()
        .map((row) => row.path),
    ) ?? []
  );
}

/** The names in a directory as the bytes on disk, shown with `\xNN` for bytes that are not ASCII. */
function namesOnDisk(directory: Buffer): string[] {
  const show = (name: Buffer) =>
    [...name].map((byte) => (byte < 0x80 ? String.fromCharCode(byte) : `\\x${byte.toString(16)}`)).join("");
  return readdirSync(directory, { encoding: "buffer" }).map(show).sort();
}

describe("names that are not valid UTF-8", () => {
  test("scan finds, reads and catalogues them losslessly, with sidecars beside them; validate and ls agree", () => {
    const t = tree("raw-names-scan");
    const scan = ckpt(["scan", t.runs, "--catalog", t.catalog, "--json"], t.base);
    expect({ code: scan.code, stderr: scan.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(scan.stdout)).toMatchObject({ added: 4, failed: 0, sidecars_written: 4 });
    expect(catalogued(t.catalog)).toEqual(SPELLED.map((name) => join(t.r, name)));
    expect(namesOnDisk(Buffer.from(t.r))).toEqual([
      "bad\\xfe.ckpt",
      "bad\\xfe.metadata.yaml",
      "bad\\xff.ckpt",
      "bad\\xff.metadata.yaml",
      "ok.ckpt",
      "ok.metadata.yaml",
      "run\\xfe",
    ]);
    expect(namesOnDisk(rawPath(t.r, "run", 0xfe))).toEqual(["in\\xff.metadata.yaml", "in\\xff.pt"]);
    const validate = ckpt(["validate", t.runs, "--json"], t.base);
    expect(validate.code).toBe(0);
    expect(JSON.parse(validate.stdout).summary).toMatchObject({ checkpoints: 4, valid: 4, io_errors: 0 });
    const ls = ckpt(["ls", t.runs, "--catalog", t.catalog, "--columns", "path"], t.base);
    expect(
      ls.stdout
        .split("\n")
        .slice(1, 5)
        .map((line) => line.trim()),
    ).toEqual([
      "runs/r/bad\\xfe.ckpt",
      "runs/r/bad\\xff.ckpt",
      "runs/r/ok.ckpt",
      "runs/r/run\\xfe/in\\xff.pt",
    ]);
  });

  // Both said "does not exist": they checked the root's decoded spelling. scan also restarts itself (src/main.ts,
  // jscOptions), so the bytes must survive the exec too.
  test("scan and validate take a directory so named on the command line", () => {
    const t = tree("raw-names-root");
    const inShell = (command: string) => {
      const script = `exec "$0" "$1" ${command} "$(printf '%s/run\\376' "$2")" --json`;
      const result = Bun.spawnSync(["sh", "-c", script, process.execPath, main, t.r], {
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: t.base },
        stdout: "pipe",
        stderr: "pipe",
      });
      return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
    };
    const scan = inShell(`scan --sidecars off --catalog ${t.catalog}`);
    expect({ code: scan.code, stderr: scan.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(scan.stdout)).toMatchObject({ added: 1, failed: 0 });
    expect(catalogued(t.catalog)).toEqual([join(t.r, "run\uFFFDFE/in\uFFFDFF.pt")]);
    const validate = inShell("validate");
    expect({ code: validate.code, stderr: validate.stderr }).toEqual({ code: 1, stderr: "" });
    expect(JSON.parse(validate.stdout).summary).toMatchObject({ checkpoints: 1, missing: 1 });
  });

  test("inspect and show take such a path on the command line and show it escaped", () => {
    const t = tree("raw-names-inspect");
    // A shell hands ckpt the raw bytes, as a user typing the name would.
    const inShell = (command: string) => {
      const script = `exec "$0" "$1" ${command} "$(printf '%s/bad\\377.ckpt' "$2")"`;
      const result = Bun.spawnSync(["sh", "-c", script, process.execPath, main, t.r], {
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: t.base },
        stdout: "pipe",
        stderr: "pipe",
      });
      return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
    };
    const inspect = inShell("inspect");
    expect({ code: inspect.code, first: inspect.stdout.split("\n").slice(0, 2) }).toEqual({
      code: 0,
      first: [`${t.r}/bad\\xff.ckpt`, "  status      ok"],
    });
    const show = inShell("show");
    expect({ code: show.code, first: show.stdout.split("\n")[0], stderr: show.stderr }).toEqual({
      code: 0,
      first: `${t.r}/bad\\xff.ckpt`,
      stderr: "",
    });
  });

  test("ckpt watch indexes one written while it runs and writes its sidecar beside it", async () => {
    const t = tree("raw-names-watch");
    const environment: DaemonEnvironment = { home: t.base, catalog: t.catalog };
    const daemon: DaemonProcess = await startDaemonReady(environment, [t.runs]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    expect(catalogued(t.catalog)).toEqual(SPELLED.map((name) => join(t.r, name)));
    writeFileSync(rawPath(t.r, "late", 0xff, ".ckpt"), torchZipBytes({ fill: 5 }));
    const late = join(t.r, "late\uFFFDFF.ckpt");
    await daemon.waitForLog(
      (line) => line.msg === "sidecar written" && line["checkpoint"] === late,
      "late\\xff.ckpt's sidecar written",
    );
    expect(namesOnDisk(Buffer.from(t.r))).toContain("late\\xff.metadata.yaml");
    const stop = await runCkpt(environment, ["stop", "--catalog", environment.catalog]);
    expect({ stop: stop.exitCode, exited: await daemon.process.exited, log: daemon.other }).toEqual({
      stop: 0,
      exited: 0,
      log: [],
    });
    expect(catalogued(t.catalog)).toContain(late);
  });
});
