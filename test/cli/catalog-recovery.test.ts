import { Database } from "bun:sqlite";
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { writeCheckpoint } from "../helpers/catalog-tree.ts";
import { type DaemonProcess, startDaemonReady, withCatalog } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const PER_ROOT = 150;

/**
 * Two roots scanned separately (so only the catalog knows both) and an unrelated working directory full of
 * checkpoints without sidecars: what a rebuild from the working directory would have filled the catalog with.
 */
async function scene(base: string) {
  const roots = [join(base, "runs-a"), join(base, "runs-b")];
  for (const root of roots)
    for (let index = 0; index < PER_ROOT; index++)
      writeCheckpoint(join(root, `run${index % 5}`, `epoch=${index}.ckpt`), {
        sample: { exp: `run${index % 5}`, epoch: index, hmean: index / PER_ROOT },
      });
  const elsewhere = join(base, "elsewhere");
  mkdirSync(elsewhere);
  for (let index = 0; index < 20; index++)
    writeFileSync(join(elsewhere, `unrelated-${index}.pt`), torchZipBytes({ storageBytes: 64, fill: index }));
  const catalog = join(base, "state", "catalog.db");
  for (const root of roots) {
    const scanned = await runCliInProcess(["scan", root, "--catalog", catalog], { cwd: base });
    expect(scanned.exitCode).toBe(0);
  }
  return { roots, elsewhere, catalog };
}

/** 8 KB of garbage over the middle of the checkpoints table, where the header check cannot see it. */
function garbleMiddle(catalog: string): void {
  const database = new Database(catalog, { readonly: true });
  const pages = database
    .query<{ pageno: number }, []>("SELECT pageno FROM dbstat WHERE name = 'checkpoints' ORDER BY pageno")
    .all();
  const pageSize = database.query<{ page_size: number }, []>("PRAGMA page_size").get()?.page_size ?? 4096;
  database.close();
  const middle = pages[Math.floor(pages.length / 2)]?.pageno ?? 2;
  const fd = openSync(catalog, "r+");
  writeSync(fd, new Uint8Array(8192).fill(0x5a), 0, 8192, (middle - 1) * pageSize);
  closeSync(fd);
}

function rowsUnder(catalog: string, dir: string): number {
  return (
    withCatalog(
      catalog,
      (database) =>
        database
          .query<{ n: number }, [string]>(
            "SELECT count(*) AS n FROM checkpoints WHERE substr(path, 1, length(?1)) = ?1",
          )
          .get(`${dir}/`)?.n ?? 0,
    ) ?? 0
  );
}

function recovered(setup: { roots: string[]; elsewhere: string; catalog: string }) {
  return {
    rows: setup.roots.map((root) => rowsUnder(setup.catalog, root)),
    unrelatedRows: rowsUnder(setup.catalog, setup.elsewhere),
    elsewhere: readdirSync(setup.elsewhere).filter((name) => name.endsWith(".yaml")),
  };
}

describe("catalog recovery rebuilds what the catalog covered", () => {
  test("a deleted catalog: 'ckpt scan' without DIR rescans the roots recorded beside it, not the working directory", async () => {
    using dir = makeTempDir("recover-deleted");
    const setup = await scene(dir.path);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(setup.catalog + suffix, { force: true });
    const scan = await runCliInProcess(["scan", "--catalog", setup.catalog, "--json"], {
      cwd: setup.elsewhere,
    });
    expect({ exitCode: scan.exitCode, roots: JSON.parse(scan.stdout).roots }).toEqual({
      exitCode: 0,
      roots: setup.roots,
    });
    expect(recovered(setup)).toEqual({ rows: [PER_ROOT, PER_ROOT], unrelatedRows: 0, elsewhere: [] });
  });

  test("8 KB of garbage in the middle: ls and stats name the damage and the roots; scan moves it aside and rebuilds them", async () => {
    using dir = makeTempDir("recover-garbage");
    const setup = await scene(dir.path);
    garbleMiddle(setup.catalog);
    const advice = `run 'ckpt scan' to move it aside and rebuild it from sidecars and checkpoints under ${setup.roots.join(", ")} (the roots recorded in ${setup.catalog}.roots)`;
    for (const command of ["ls", "stats"]) {
      const query = await runCliInProcess([command, "--catalog", setup.catalog], { cwd: setup.elsewhere });
      expect({ command, ...query }).toEqual({
        command,
        exitCode: 2,
        stdout: "",
        stderr: `ckpt: the catalog ${setup.catalog} is damaged (database disk image is malformed); ${advice}\n`,
      });
    }
    const scan = await runCliInProcess(["scan", "--catalog", setup.catalog, "--json"], {
      cwd: setup.elsewhere,
    });
    const moved = readdirSync(join(dir.path, "state")).find((name) => name.startsWith("catalog.db.corrupt-"));
    expect({
      exitCode: scan.exitCode,
      added: JSON.parse(scan.stdout).added,
      said: scan.stderr.startsWith(
        `ckpt: the catalog ${setup.catalog} was unusable (${setup.catalog} failed its integrity check: `,
      ),
      rebuilding: scan.stderr.endsWith(
        `; moved it to ${join(dir.path, "state", moved ?? "?")} and rebuilding it from sidecars and checkpoints under ${setup.roots.join(", ")}\n`,
      ),
    }).toEqual({ exitCode: 0, added: 2 * PER_ROOT, said: true, rebuilding: true });
    expect(recovered(setup)).toEqual({ rows: [PER_ROOT, PER_ROOT], unrelatedRows: 0, elsewhere: [] });
  });

  test("8 KB of garbage in the middle: ckpt watch moves it aside at start and rebuilds, instead of failing every write", async () => {
    using dir = makeTempDir("recover-watch");
    const setup = await scene(dir.path);
    garbleMiddle(setup.catalog);
    const environment = { home: dir.path, catalog: setup.catalog };
    const daemon: DaemonProcess = await startDaemonReady(environment, setup.roots);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    const rebuilt = await daemon.waitForLog((line) => line.level === "warn", "the rebuild warning");
    expect({
      msg: rebuilt.msg,
      path: rebuilt["path"],
      moved: existsSync(String(rebuilt["moved_to"])),
    }).toEqual({
      msg: "catalog unusable; moved aside and rebuilding",
      path: setup.catalog,
      moved: true,
    });
    const reconciled = await daemon.waitForLog((line) => line.msg === "reconciled", "the rebuild");
    expect(reconciled["added"]).toBe(2 * PER_ROOT);
    expect(daemon.lines.filter((line) => line.level === "error")).toEqual([]);
    expect(recovered(setup)).toEqual({ rows: [PER_ROOT, PER_ROOT], unrelatedRows: 0, elsewhere: [] });
  });
});
