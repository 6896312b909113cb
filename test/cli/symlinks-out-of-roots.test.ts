import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type DaemonEnvironment,
  type DaemonProcess,
  runCkpt,
  startDaemonReady,
  withCatalog,
} from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { canMakeReadOnlyWorld, inReadOnlyWorld } from "../helpers/read-only-world.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";
import { snapshotTree } from "../helpers/tree-snapshot.ts";

// Issue 14, item 1: ckpt runs as root or a service account over run dirs other users control. A symlink a user
// plants must never make it read out of the roots, or write a sidecar anywhere but a real directory under them.
setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const CKPT_WRITTEN = join(import.meta.dir, "../fixtures/sidecars/ckpt-written.metadata.yaml");
const asNobody = ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"];

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** Runs `argv` as uid 65534 (the user who owns RUNS and plants the links). */
function asUser(argv: readonly string[]): void {
  const result = Bun.spawnSync([...asNobody, ...argv], { stderr: "pipe" });
  expect({ argv, code: result.exitCode, stderr: result.stderr.toString() }).toEqual({
    argv,
    code: 0,
    stderr: "",
  });
}

/**
 * PRIVATE: root's 0700 models the link's owner cannot read. SHARED: a world-writable directory nobody in the test
 * owns but root (a scratch area). RUNS: the user's run dirs, with one real checkpoint and the links they made.
 */
function hostileTree(prefix: string) {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  const base = dir.path;
  chmodSync(base, 0o755);
  const privateModels = join(base, "PRIVATE", "models");
  const sharedModels = join(base, "SHARED", "models");
  const runs = join(base, "RUNS");
  for (const path of [privateModels, sharedModels, join(runs, "r", "own")])
    mkdirSync(path, { recursive: true });
  writeFileSync(join(privateModels, "real.ckpt"), torchZipBytes({ fill: 1 }));
  writeFileSync(join(sharedModels, "s.ckpt"), torchZipBytes({ fill: 2 }));
  writeFileSync(join(runs, "r", "own", "epoch1.ckpt"), torchZipBytes({ fill: 3 }));
  chmodSync(join(base, "PRIVATE"), 0o700);
  chmodSync(join(base, "SHARED"), 0o777);
  chmodSync(sharedModels, 0o777);
  for (const path of [runs, join(runs, "r"), join(runs, "r", "own"), join(runs, "r", "own", "epoch1.ckpt")])
    chownSync(path, NOBODY, NOBODY);
  asUser(["ln", "-s", privateModels, join(runs, "r", "checkpoints")]);
  asUser(["ln", "-s", join(privateModels, "real.ckpt"), join(runs, "r", "last.ckpt")]);
  asUser(["ln", "-s", sharedModels, join(runs, "r", "shared")]);
  asUser(["ln", "-s", join(sharedModels, "s.ckpt"), join(runs, "r", "s-last.ckpt")]);
  return {
    base,
    runs,
    privateDir: join(base, "PRIVATE"),
    sharedDir: join(base, "SHARED"),
    catalog: join(base, "c.db"),
  };
}

const main = join(import.meta.dir, "../../src/main.ts");

/** A ckpt command as root, or as uid 65534; `writableOnly`: in a namespace where nothing else can be written. */
function ckpt(
  argv: readonly string[],
  options: { readonly as?: "nobody"; readonly home: string; readonly writableOnly?: string },
) {
  const command = [...(options.as === "nobody" ? asNobody : []), process.execPath, main, ...argv];
  const world = options.writableOnly === undefined ? null : inReadOnlyWorld(command, options.writableOnly);
  const result = Bun.spawnSync(world?.argv ?? command, {
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: options.home,
      XDG_STATE_HOME: join(options.home, "state"),
      ...world?.env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

function cataloguedPaths(catalog: string): string[] {
  return (
    withCatalog(catalog, (database) =>
      database
        .query<{ path: string }, []>("SELECT path FROM checkpoints ORDER BY path")
        .all()
        .map((row) => row.path),
    ) ?? []
  );
}

describe.skipIf(!isRoot)("symlinks out of the roots: read only on request, never written through", () => {
  // With `root_link -> /` a walk that leaves the root reaches every tree on the machine: the scan runs where only
  // its temp tree is writable, so even a build with the bug writes nowhere else, and PRIVATE/SHARED are the sentinels.
  test.skipIf(!canMakeReadOnlyWorld())(
    "ckpt scan as root: the links are named and left alone; PRIVATE and SHARED stay exactly as they were",
    () => {
      const tree = hostileTree("escape-scan");
      asUser(["ln", "-s", "/", join(tree.runs, "root_link")]);
      const before = { private: snapshotTree(tree.privateDir), shared: snapshotTree(tree.sharedDir) };
      const scan = ckpt(["scan", tree.runs, "--catalog", tree.catalog, "--json"], {
        home: tree.base,
        writableOnly: tree.base,
      });
      // Nothing outside the tree was even tried: no write refused as read-only.
      expect(scan.stderr).not.toContain("is read-only (");
      expect(scan.code).toBe(0);
      expect(JSON.parse(scan.stdout)).toMatchObject({ added: 1, failed: 0, sidecars_written: 1 });
      for (const link of ["r/checkpoints", "r/last.ckpt", "r/shared", "r/s-last.ckpt", "root_link"])
        expect(scan.stderr).toContain(`${join(tree.runs, link)}: symlink to `);
      expect(cataloguedPaths(tree.catalog)).toEqual([join(tree.runs, "r", "own", "epoch1.ckpt")]);
      expect(existsSync(join(tree.runs, "r", "own", "epoch1.metadata.yaml"))).toBe(true);
      expect({ private: snapshotTree(tree.privateDir), shared: snapshotTree(tree.sharedDir) }).toEqual(
        before,
      );
    },
  );

  test("--follow-symlinks reads the targets read-only: catalogued, no sidecar beside them, one warning each", () => {
    const tree = hostileTree("escape-follow");
    const before = { private: snapshotTree(tree.privateDir), shared: snapshotTree(tree.sharedDir) };
    const scan = ckpt(["scan", tree.runs, "--catalog", tree.catalog, "--follow-symlinks", "--json"], {
      home: tree.base,
    });
    expect(scan.code).toBe(0);
    expect(cataloguedPaths(tree.catalog)).toEqual(
      ["r/checkpoints/real.ckpt", "r/last.ckpt", "r/own/epoch1.ckpt", "r/s-last.ckpt", "r/shared/s.ckpt"].map(
        (path) => join(tree.runs, path),
      ),
    );
    // Reached through a symlinked directory: the metadata lives in the catalog only, and the user hears why.
    expect(scan.stderr).toContain(
      `${join(tree.runs, "r", "checkpoints", "real.metadata.yaml")}: not written, ${join(tree.runs, "r", "checkpoints")} is reached through a symlink`,
    );
    expect({ private: snapshotTree(tree.privateDir), shared: snapshotTree(tree.sharedDir) }).toEqual(before);
  });

  test("ckpt validate names the links it does not follow and reads only what is inside", () => {
    const tree = hostileTree("escape-validate");
    const validate = ckpt(["validate", tree.runs, "--json"], { home: tree.base });
    const report = JSON.parse(validate.stdout);
    expect({
      code: validate.code,
      checked: report.checkpoints.map((row: { path: string }) => row.path),
      ioErrors: report.summary.io_errors,
    }).toEqual({ code: 1, checked: [join(tree.runs, "r", "own", "epoch1.ckpt")], ioErrors: 0 });
    for (const link of ["r/checkpoints", "r/last.ckpt", "r/shared", "r/s-last.ckpt"])
      expect(validate.stderr).toContain(`${join(tree.runs, link)}: symlink to `);
  });

  test("ckpt convert as root leaves the links' targets alone, with and without --follow-symlinks", () => {
    const tree = hostileTree("escape-convert");
    const before = { private: snapshotTree(tree.privateDir), shared: snapshotTree(tree.sharedDir) };
    const plain = ckpt(["convert", "--outputs-dir", tree.runs, "--json"], { home: tree.base });
    expect(JSON.parse(plain.stdout)).toMatchObject({ converted: 1, failed: 0, skipped: 4 });
    const followed = ckpt(["convert", "--outputs-dir", tree.runs, "--follow-symlinks", "--json", "--force"], {
      home: tree.base,
    });
    expect(followed.code).toBe(1);
    expect({ private: snapshotTree(tree.privateDir), shared: snapshotTree(tree.sharedDir) }).toEqual(before);
  });

  test("ckpt scan as uid 65534: a link into a world-writable directory it does not own writes nothing there", () => {
    const tree = hostileTree("escape-nobody");
    const home = join(tree.base, "home");
    mkdirSync(home);
    chownSync(home, NOBODY, NOBODY);
    const before = snapshotTree(tree.sharedDir);
    const catalog = join(home, "c.db");
    for (const extra of [[], ["--follow-symlinks"]]) {
      const scan = ckpt(["scan", tree.runs, "--catalog", catalog, ...extra], { as: "nobody", home });
      expect(scan.code).toBe(0);
    }
    expect(cataloguedPaths(catalog)).toContain(join(tree.runs, "r", "shared", "s.ckpt"));
    expect(snapshotTree(tree.sharedDir)).toEqual(before);
  });

  test("another user's own sidecar is never replaced, even with --force, unless ckpt wrote it", () => {
    const tree = hostileTree("escape-owner");
    // The user's notes beside their checkpoint, converted by root; root's notes in a directory the user can
    // write to, converted by the user.
    const own = join(tree.runs, "r", "own");
    asUser(["sh", "-c", `printf '# my notes\\n' > ${join(own, "epoch1.metadata.yaml")}`]);
    const mixed = join(tree.runs, "r", "mixed");
    asUser(["mkdir", mixed]);
    writeFileSync(join(mixed, "root.ckpt"), torchZipBytes({ fill: 4 }));
    writeFileSync(join(mixed, "root.metadata.yaml"), "# root's notes\n");
    const asRoot = ckpt(["convert", "--exp-dir", own, "--force", "--json"], { home: tree.base });
    const asUserToo = ckpt(["convert", "--exp-dir", mixed, "--force", "--json"], {
      as: "nobody",
      home: mixed,
    });
    expect({
      user: readFileSync(join(own, "epoch1.metadata.yaml"), "utf8"),
      root: readFileSync(join(mixed, "root.metadata.yaml"), "utf8"),
      refusedToRoot: JSON.parse(asRoot.stdout).failures.map((failure: { path: string }) => failure.path),
      refusedToUser: JSON.parse(asUserToo.stdout).failures.map((failure: { path: string }) => failure.path),
    }).toEqual({
      user: "# my notes\n",
      root: "# root's notes\n",
      refusedToRoot: [join(own, "epoch1.ckpt")],
      refusedToUser: [join(mixed, "root.ckpt")],
    });
  });

  test("a symlink in a sidecar's place is neither read nor written through", () => {
    const tree = hostileTree("escape-sidecar-link");
    const planted = join(tree.privateDir, "models", "real.metadata.yaml");
    writeFileSync(planted, readFileSync(CKPT_WRITTEN, "utf8"));
    const sidecar = join(tree.runs, "r", "own", "epoch1.metadata.yaml");
    asUser(["ln", "-s", planted, sidecar]);
    const before = snapshotTree(tree.privateDir);
    const scan = ckpt(["scan", tree.runs, "--catalog", tree.catalog, "--json"], { home: tree.base });
    expect(JSON.parse(scan.stdout)).toMatchObject({ added: 1, sidecars_written: 0 });
    expect(scan.stderr).toContain(`${sidecar}: not written, a symlink is in its place`);
    const row = withCatalog(tree.catalog, (database) =>
      database.query<{ sidecar_state: string }, []>("SELECT sidecar_state FROM checkpoints").get(),
    );
    expect({ row, link: lstatSync(sidecar).isSymbolicLink() }).toEqual({
      row: { sidecar_state: "missing" },
      link: true,
    });
    expect(snapshotTree(tree.privateDir)).toEqual(before);
  });

  test("ckpt watch as root: links planted while it runs are named once and never followed", async () => {
    const tree = hostileTree("escape-watch");
    const environment: DaemonEnvironment = { home: tree.base, catalog: tree.catalog };
    const daemon: DaemonProcess = await startDaemonReady(environment, [tree.runs]);
    cleanups.push(() => daemon.process.kill("SIGKILL"));
    const before = { private: snapshotTree(tree.privateDir), shared: snapshotTree(tree.sharedDir) };
    const r2 = join(tree.runs, "r2");
    asUser(["mkdir", r2]);
    asUser(["ln", "-s", join(tree.privateDir, "models"), join(r2, "checkpoints")]);
    asUser(["ln", "-s", join(tree.privateDir, "models", "real.ckpt"), join(r2, "last.ckpt")]);
    await daemon.waitForLog(
      (line) => line.msg === "symlink not followed" && line["path"] === join(r2, "last.ckpt"),
      "r2/last.ckpt not followed",
    );
    asUser(["sh", "-c", `cat ${join(tree.runs, "r", "own", "epoch1.ckpt")} > ${join(r2, "ok.ckpt")}`]);
    await daemon.waitForLog(
      (line) => line.msg === "checkpoint indexed" && line["path"] === join(r2, "ok.ckpt"),
      "r2/ok.ckpt indexed",
    );
    const stop = await runCkpt(environment, ["stop", "--catalog", environment.catalog]);
    expect({ stop, exited: await daemon.process.exited, log: daemon.other }).toEqual({
      stop: { exitCode: 0, stdout: `stopped ckpt watch (pid ${daemon.pid})\n`, stderr: "" },
      exited: 0,
      log: [],
    });
    expect(cataloguedPaths(tree.catalog)).toEqual([
      join(tree.runs, "r", "own", "epoch1.ckpt"),
      join(r2, "ok.ckpt"),
    ]);
    expect({ private: snapshotTree(tree.privateDir), shared: snapshotTree(tree.sharedDir) }).toEqual(before);
  });
});
