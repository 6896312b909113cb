// `ckpt prune --strip-optimizer` on copies of real Lightning and Ultralytics runs with a real catalog: the dry run
// says what each kept checkpoint would save and touches nothing; --yes rewrites exactly those (never the latest,
// a pointer's target or an unsafe cut), updates their catalog rows, and a second run has nothing left to do. A
// real process killed in the middle of a multi-GB rewrite leaves the original whole and the catalog consistent.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash } from "node:crypto";
import {
  closeSync,
  cpSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { materializeWritePlan } from "../../src/core/formats/zip-writer.ts";
import { writeSparseFile } from "../../src/io/fs/sparse-file-writer.ts";
import { ckptMainScript, spawnCkptChild } from "../helpers/ckpt-child.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { scannedCopy } from "../helpers/scanned-copy.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { beforeStop, noneItem, rewriteTorchZip } from "../helpers/torch-zip-rewrite.ts";
import { snapshotTree } from "../helpers/tree-snapshot.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const hasScript = Bun.spawnSync(["sh", "-c", "command -v script"]).exitCode === 0;
const CLEVAL = "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56";
const LIGHTNING_RUN = "dbnet/2026-11-22/14-52-56";
const EPOCH4 = `${LIGHTNING_RUN}/checkpoints/dbnet-epoch04-hmean0.9811.ckpt`;
const YOLO_RUN = "ultralytics/runs/detect/train";
const EPOCH25 = `${YOLO_RUN}/weights/epoch25.pt`;

type Row = {
  path: string;
  action: string;
  reason: string;
  strip?: { bytes_saved?: number; refused?: string };
};
type Plan = { checkpoints: Row[]; totals: Record<string, number> };

/** The cleval Lightning run (epochs 2–4 and last.ckpt) and the Ultralytics run, copied, aged and scanned. */
function tree(
  dir: string,
  prepare: (root: string) => void = () => {},
  options: { readonly fresh?: boolean } = {},
) {
  return scannedCopy(
    dir,
    (root) => {
      cpSync(join(realFixtureRoot, CLEVAL), join(root, "dbnet/2026-11-22/14-52-56"), { recursive: true });
      cpSync(join(realFixtureRoot, "ultralytics"), join(root, "ultralytics"), { recursive: true });
      prepare(root);
    },
    options,
  );
}

const stripRows = (root: string, plan: Plan) =>
  plan.checkpoints.flatMap((row) =>
    row.strip === undefined ? [] : [[row.path.slice(root.length + 1), row.strip]],
  );

describe("ckpt prune --strip-optimizer", () => {
  test("dry run: what each kept checkpoint would save, in rows and totals; nothing on disk changes", async () => {
    using dir = makeTempDir("strip-cli");
    const { root, cli } = await tree(dir.path);
    const before = snapshotTree(root);
    const json = await cli("prune", root, "--keep-last", "2", "--strip-optimizer", "--json");
    expect(json.exitCode).toBe(0);
    const plan: Plan = JSON.parse(json.stdout);
    const sizes = {
      [EPOCH4]: statSync(join(root, EPOCH4)).size,
      [EPOCH25]: statSync(join(root, EPOCH25)).size,
    };
    expect(stripRows(root, plan)).toEqual([
      [EPOCH4, { bytes_saved: 89_443 }],
      [EPOCH25, { bytes_saved: 1_565_878 }],
    ]);
    expect(plan.totals).toMatchObject({ delete: 3, strip_optimizer: 2, bytes_saved: 89_443 + 1_565_878 });
    const text = await cli("prune", root, "--keep-last", "2", "--strip-optimizer");
    expect(text.stdout).toContain(
      "dbnet-epoch04-hmean0.9811.ckpt  last 2 of 4; strip optimizer (saves 89.4 KB)",
    );
    expect(text.stdout).toContain("strip optimizer: 2 kept checkpoints, 1.7 MB to save\n");
    expect(text.stdout).toContain("--yes also strips the optimizer state of 2 (1.7 MB)");
    expect(snapshotTree(root)).toEqual(before);
    expect(statSync(join(root, EPOCH4)).size).toBe(sizes[EPOCH4] as number);
  });

  test("--yes: rewrites exactly those, updates their rows and sidecars; the latest stays as it was; twice is once", async () => {
    using dir = makeTempDir("strip-cli");
    const { root, cli } = await tree(dir.path);
    const last = readFileSync(join(root, LIGHTNING_RUN, "checkpoints/last.ckpt"));
    const [size4, size25] = [statSync(join(root, EPOCH4)).size, statSync(join(root, EPOCH25)).size];
    const mtime4 = statSync(join(root, EPOCH4)).mtimeMs;
    const done = await cli("prune", root, "--keep-last", "2", "--strip-optimizer", "--yes", "--json");
    expect(done.stderr).toBe("");
    expect(done.exitCode).toBe(0);
    expect(stripRows(root, JSON.parse(done.stdout))).toEqual([
      [EPOCH4, { bytes_saved: 89_443 }],
      [EPOCH25, { bytes_saved: 1_565_878 }],
    ]);
    expect(statSync(join(root, EPOCH4)).size).toBe(size4 - 89_443);
    expect(statSync(join(root, EPOCH25)).size).toBe(size25 - 1_565_878);
    expect(statSync(join(root, EPOCH4)).mtimeMs).toBe(mtime4);
    expect(readFileSync(join(root, LIGHTNING_RUN, "checkpoints/last.ckpt")).equals(last)).toBe(true);
    const ls = await cli("ls", root, "--json", "--no-scan");
    const rows: { path: string; size: number }[] = JSON.parse(ls.stdout);
    expect(rows.find((row) => row.path.endsWith(EPOCH4))?.size).toBe(size4 - 89_443);
    const sidecar = readFileSync(join(root, EPOCH4.replace(/\.ckpt$/, ".metadata.yaml")), "utf8");
    expect(sidecar).toContain(`size: ${size4 - 89_443}\n`);
    const after = snapshotTree(root);
    const again = await cli("prune", root, "--keep-last", "2", "--strip-optimizer", "--yes", "--json");
    expect(again.exitCode).toBe(0);
    expect(stripRows(root, JSON.parse(again.stdout))).toEqual([]);
    const runFiles = () => snapshotTree(root);
    expect(runFiles()).toEqual(after);
  });

  test("the target of a pointer and the checkpoints of an active run keep their optimizer state", async () => {
    using dir = makeTempDir("strip-cli");
    const { root, cli } = await tree(dir.path, (at) => {
      const checkpoints = join(at, LIGHTNING_RUN, "checkpoints");
      rmSync(join(checkpoints, "last.ckpt"));
      symlinkSync("dbnet-epoch03-hmean0.9778.ckpt", join(checkpoints, "last.ckpt"));
    });
    const plan: Plan = JSON.parse(
      (await cli("prune", root, "--keep-last", "3", "--strip-optimizer", "--json")).stdout,
    );
    const lightning = plan.checkpoints.filter((row) => row.path.includes("/checkpoints/dbnet-"));
    expect(
      lightning.map((row) => [row.path.slice(row.path.lastIndexOf("/") + 1), row.reason, row.strip]),
    ).toEqual([
      ["dbnet-epoch02-hmean0.9705.ckpt", "last 3 of 3", { bytes_saved: 89_443 }],
      ["dbnet-epoch03-hmean0.9778.ckpt", "target of last.ckpt, last 2 of 3", undefined],
      ["dbnet-epoch04-hmean0.9811.ckpt", "latest, last 1 of 3", undefined],
    ]);
    using active = makeTempDir("strip-cli");
    const fresh = await tree(active.path, () => {}, { fresh: true });
    const json = await fresh.cli("prune", fresh.root, "--keep-last", "2", "--strip-optimizer", "--json");
    const activePlan: Plan = JSON.parse(json.stdout);
    expect(activePlan.checkpoints.every((row) => row.reason.includes("run active"))).toBe(true);
    expect(stripRows(fresh.root, activePlan)).toEqual([]);
  });

  test.skipIf(!hasScript)(
    "on a terminal: the question names the strip, and y does what the plan showed",
    async () => {
      using dir = makeTempDir("strip-cli");
      const { root, catalog } = await tree(dir.path);
      const size = statSync(join(root, EPOCH4)).size;
      const command = [
        process.execPath,
        ckptMainScript,
        "prune",
        root,
        "--keep-last",
        "2",
        "--strip-optimizer",
      ];
      const child = Bun.spawn(
        [
          "script",
          "-qefc",
          [...command, "--catalog", catalog].map((part) => `'${part}'`).join(" "),
          "/dev/null",
        ],
        {
          cwd: dir.path,
          env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir.path, TERM: "dumb" },
          stdin: new Blob(["y\n"]),
          stdout: "pipe",
          stderr: "pipe",
        },
      );
      const output = (await new Response(child.stdout).text()).replaceAll("\r", "");
      expect(await child.exited).toBe(0);
      expect(output).toMatch(
        /Delete them and strip the optimizer state\? \[y\/N\] deleted 3 of 8 checkpoints, [\d.]+ MB freed\nstrip optimizer: 2 kept checkpoints, 1\.7 MB saved\n/,
      );
      expect(statSync(join(root, EPOCH4)).size).toBe(size - 89_443);
    },
  );

  test("a kept checkpoint that cannot be cut safely is reported, left whole, and the rest goes on", async () => {
    using dir = makeTempDir("strip-cli");
    const { root, cli } = await tree(dir.path, (at) => {
      const path = join(at, EPOCH4);
      const plan = rewriteTorchZip(path, {
        editPickle: (pickle) => beforeStop(pickle, noneItem("optimizer_states")),
      });
      writeFileSync(path, materializeWritePlan(plan));
    });
    const refused = readFileSync(join(root, EPOCH4));
    const done = await cli("prune", root, "--keep-last", "2", "--strip-optimizer", "--yes");
    expect(done.exitCode).toBe(1);
    expect(done.stderr).toMatch(
      /dbnet-epoch04-hmean0\.9811\.ckpt: optimizer state not stripped: the top-level key 'optimizer_states' appears 2 times/,
    );
    expect(done.stdout).toContain("epoch25.pt  last 2 of 4; optimizer stripped (saved 1.6 MB)");
    expect(done.stdout).toContain("optimizer kept: not stripped (see above)");
    expect(readFileSync(join(root, EPOCH4)).equals(refused)).toBe(true);
  });
});

/** sha256 of a file read in chunks (a multi-GB sparse file is never held in memory). */
function fileHash(path: string): string {
  const hash = createHash("sha256");
  const buffer = new Uint8Array(8 * 1024 * 1024);
  const fd = openSync(path, "r");
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer))
      hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

describe("an interrupted strip", () => {
  test("SIGKILL mid-rewrite of a 1 GB checkpoint: the original is byte-identical, the catalog consistent, the next prune finishes", async () => {
    using dir = makeTempDir("strip-kill");
    const { root, catalog, cli } = await tree(dir.path, (at) => {
      const path = join(at, EPOCH4);
      const padding = { name: "archive/padding", sparseLength: 1_000_000_000 };
      writeSparseFile(path, rewriteTorchZip(path, { extra: [padding] }));
    });
    const path = join(root, EPOCH4);
    const [hash, stats] = [fileHash(path), statSync(path)];
    const checkpoints = join(root, LIGHTNING_RUN, "checkpoints");
    const temps = () => readdirSync(checkpoints).filter((name) => name.includes(".ckpt-strip-"));
    const child = spawnCkptChild(
      ["prune", root, "--keep-last", "2", "--strip-optimizer", "--yes", "--catalog", catalog],
      { cwd: dir.path },
    );
    let exited = false;
    void child.exited.then(() => {
      exited = true;
    });
    await waitFor(() => temps().length > 0 || exited, { what: "the rewrite's temp file", timeoutMs: 40_000 });
    expect(exited).toBe(false);
    child.kill("SIGKILL");
    await child.exited;
    expect(statSync(path)).toMatchObject({ size: stats.size, ino: stats.ino, mtimeMs: stats.mtimeMs });
    expect(fileHash(path)).toBe(hash);
    const ls = await cli("ls", root, "--json", "--no-scan");
    const row = (JSON.parse(ls.stdout) as { path: string; size: number }[]).find(
      (each) => each.path === path,
    );
    expect(row?.size).toBe(stats.size);
    const again = await cli("prune", root, "--keep-last", "2", "--strip-optimizer", "--yes");
    expect(again.stderr).toBe("");
    expect(again.exitCode).toBe(0);
    expect(temps()).toEqual([]);
    expect(statSync(path).size).toBe(stats.size - 89_443);
  });
});
