import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  existsSync,
  linkSync,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { aliasesOf, queryEntries } from "../../../src/io/catalog/catalog-reads.ts";
import { storedMetadata } from "../../../src/io/catalog/catalog-stored-metadata.ts";
import { type ScanOptions, scanCatalog } from "../../../src/io/scan/catalog-scan.ts";
import { locationUnder } from "../../../src/io/scan/checkpoint-location.ts";
import { type AssembleCheckpoint, readOne } from "../../../src/io/scan/index-one.ts";
import { readSidecar } from "../../../src/io/sidecar/sidecar-store.ts";
import { sampleMetadata, writeCheckpoint } from "../../helpers/catalog-tree.ts";
import { scannedFileAt } from "../../helpers/scanned-file.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

let dir: ReturnType<typeof makeTempDir>;
let database: Database;
let assembled: string[];

const assemble: AssembleCheckpoint = (path) => {
  assembled.push(path);
  return {
    status: "ok",
    metadata: sampleMetadata(path, { exp: "assembled", epoch: 1, hmean: 0.5 }),
    problem: null,
    run: {
      dir: join(path, ".."),
      expName: "assembled",
      task: "text-detection",
      points: [{ name: "val/hmean", step: 1, epoch: 0, value: 0.5 }],
    },
  };
};

function scan(overrides: Partial<ScanOptions> = {}) {
  return scanCatalog(database, {
    roots: [dir.path],
    sidecars: "read",
    now: () => 1_700_000_000_000,
    assemble,
    workers: 0,
    ...overrides,
  });
}

function counts(summary: Awaited<ReturnType<typeof scan>>) {
  const { added, updated, removed, unchanged, failed } = summary;
  return { added, updated, removed, unchanged, failed };
}

function paths(): string[] {
  return queryEntries(database, { roots: [dir.path] }).map((entry) => entry.path.slice(dir.path.length + 1));
}

beforeEach(() => {
  dir = makeTempDir("scan");
  database = openCatalogForWriting(join(dir.path, "state", "catalog.db"), { now: () => 0 });
  assembled = [];
  writeCheckpoint(join(dir.path, "run1/checkpoints/epoch=1.ckpt"), {
    sample: { exp: "run1", epoch: 1, hmean: 0.8 },
  });
  writeCheckpoint(join(dir.path, "run1/checkpoints/epoch=2.ckpt"), {
    sample: { exp: "run1", epoch: 2, hmean: 0.9 },
  });
  writeCheckpoint(join(dir.path, "run2/model.pt"), { sample: { exp: "run2", epoch: 5, hmean: 0.7 } });
});

afterEach(() => {
  database.close();
  dir[Symbol.dispose]();
});

describe("incremental scan", () => {
  test("first scan reads sidecars; a second finds nothing to do", async () => {
    expect(counts(await scan())).toEqual({ added: 3, updated: 0, removed: 0, unchanged: 0, failed: 0 });
    expect(assembled).toEqual([]);
    expect(counts(await scan())).toEqual({ added: 0, updated: 0, removed: 0, unchanged: 3, failed: 0 });
    expect(paths()).toEqual([
      "run1/checkpoints/epoch=1.ckpt",
      "run1/checkpoints/epoch=2.ckpt",
      "run2/model.pt",
    ]);
  });

  test("a sidecar ckpt wrote reads the same on the fast path as through the PyYAML-compatible reader", async () => {
    const path = join(dir.path, "run1/checkpoints/epoch=2.ckpt");
    const file = scannedFileAt(path, { sidecarPresent: true });
    const fast = await readOne(locationUnder(file, [dir.path]), { sidecars: "read", now: () => 0, assemble });
    const slow = readSidecar(join(dir.path, "run1/checkpoints/epoch=2.metadata.yaml"));
    expect(slow.success && slow.data.valid).toBe(true);
    expect(fast.entry.metadata).toEqual(slow.success ? (slow.data.data ?? null) : null);
    expect(assembled).toEqual([]);
  });

  test("rows read from a valid sidecar do not copy it; asked for, the catalog reads it again", async () => {
    await scan();
    const path = join(dir.path, "run1/checkpoints/epoch=2.ckpt");
    const row = database
      .query<{ json: string | null }, [string]>(
        "SELECT metadata_json AS json FROM checkpoints WHERE path = ?",
      )
      .get(path);
    expect(row?.json).toBeNull();
    const slow = readSidecar(join(dir.path, "run1/checkpoints/epoch=2.metadata.yaml"));
    expect(storedMetadata(database, path)).toEqual(slow.success ? (slow.data.data ?? null) : null);
    // Assembled from the checkpoint (no sidecar written): the row is the only copy, so it keeps it.
    const bare = writeCheckpoint(join(dir.path, "run3/bare.ckpt"));
    await scan({ sidecars: "read" });
    expect(storedMetadata(database, bare)?.exp_name).toBe("assembled");
  });

  test("touch and modify re-read only those files", async () => {
    await scan();
    utimesSync(join(dir.path, "run1/checkpoints/epoch=1.ckpt"), new Date(2_000_000), new Date(2_000_000));
    writeFileSync(join(dir.path, "run2/model.pt"), "longer content than before");
    expect(counts(await scan())).toEqual({ added: 0, updated: 2, removed: 0, unchanged: 1, failed: 0 });
  });

  test("delete removes the entry", async () => {
    await scan();
    rmSync(join(dir.path, "run2/model.pt"));
    expect(counts(await scan())).toEqual({ added: 0, updated: 0, removed: 1, unchanged: 2, failed: 0 });
    expect(paths()).not.toContain("run2/model.pt");
  });

  test("rename moves the row without re-reading and keeps its metadata", async () => {
    await scan();
    renameSync(join(dir.path, "run1/checkpoints/epoch=2.ckpt"), join(dir.path, "run1/checkpoints/best.ckpt"));
    expect(counts(await scan())).toEqual({ added: 0, updated: 1, removed: 0, unchanged: 2, failed: 0 });
    const [best] = queryEntries(database, { roots: [join(dir.path, "run1/checkpoints/best.ckpt")] });
    expect(best?.exp_name).toBe("run1");
    expect(best?.epoch).toBe(2);
    expect(assembled).toEqual([]);
  });

  test("hard links and symlinks become aliases, listed once", async () => {
    linkSync(join(dir.path, "run2/model.pt"), join(dir.path, "run2/zz-hardlink.pt"));
    symlinkSync("epoch=2.ckpt", join(dir.path, "run1/checkpoints/last.ckpt"));
    expect(counts(await scan())).toEqual({ added: 5, updated: 0, removed: 0, unchanged: 0, failed: 0 });
    expect(paths()).toEqual([
      "run1/checkpoints/epoch=1.ckpt",
      "run1/checkpoints/epoch=2.ckpt",
      "run2/model.pt",
    ]);
    const aliases = aliasesOf(database, [
      join(dir.path, "run1/checkpoints/epoch=2.ckpt"),
      join(dir.path, "run2/model.pt"),
    ]);
    expect([...aliases.values()].flat().map((path) => path.slice(dir.path.length + 1))).toEqual([
      "run1/checkpoints/last.ckpt",
      "run2/zz-hardlink.pt",
    ]);
    expect(counts(await scan())).toEqual({ added: 0, updated: 0, removed: 0, unchanged: 5, failed: 0 });
  });

  test("a checkpoint without a sidecar is assembled; --sidecars write writes it, read does not", async () => {
    const bare = writeCheckpoint(join(dir.path, "run3/bare.ckpt"));
    await scan({ sidecars: "read" });
    expect(assembled).toEqual([bare]);
    expect(existsSync(join(dir.path, "run3/bare.metadata.yaml"))).toBe(false);
    writeFileSync(bare, "changed bytes");
    await scan({ sidecars: "write" });
    expect(existsSync(join(dir.path, "run3/bare.metadata.yaml"))).toBe(true);
    const [entry] = queryEntries(database, { roots: [bare] });
    expect({ exp: entry?.exp_name, sidecar: entry?.sidecar }).toEqual({ exp: "assembled", sidecar: "valid" });
  });

  test("a scan that writes sidecars gives unchanged rows a read-only pass cached the sidecar they lack", async () => {
    const bare = writeCheckpoint(join(dir.path, "run3/bare.ckpt"));
    const broken = join(dir.path, "run3/broken.ckpt");
    writeFileSync(broken, "");
    const brokenAssemble: AssembleCheckpoint = (path, options) =>
      path === broken
        ? { status: "corrupt", metadata: null, problem: `${path}: the file is empty`, run: null }
        : assemble(path, options);
    await scan({ sidecars: "read", assemble: brokenAssemble });
    expect(existsSync(join(dir.path, "run3/bare.metadata.yaml"))).toBe(false);
    assembled = [];
    const written = await scan({ sidecars: "write", assemble: brokenAssemble });
    expect({ ...counts(written), sidecars: written.sidecars_written, read: assembled }).toEqual({
      added: 0,
      updated: 0,
      removed: 0,
      unchanged: 5,
      failed: 0,
      sidecars: 1,
      read: [bare],
    });
    expect(existsSync(join(dir.path, "run3/bare.metadata.yaml"))).toBe(true);
    assembled = [];
    const again = await scan({ sidecars: "write", assemble: brokenAssemble });
    expect({ unchanged: again.unchanged, read: assembled }).toEqual({ unchanged: 5, read: [] });
  });

  test("an invalid sidecar is kept and the entry rebuilt from the checkpoint", async () => {
    writeFileSync(join(dir.path, "run2/model.metadata.yaml"), "schema_version: 1.0\n");
    const warnings: string[] = [];
    await scan({ sidecars: "write", onWarning: (message) => warnings.push(message) });
    const [entry] = queryEntries(database, { roots: [join(dir.path, "run2")] });
    expect({ exp: entry?.exp_name, sidecar: entry?.sidecar }).toEqual({
      exp: "assembled",
      sidecar: "invalid",
    });
    expect(warnings).toHaveLength(1);
  });
  test("a root covers its own tree only, not siblings that share its name as a prefix", async () => {
    for (const sibling of ["run1-old/a.ckpt", "run10/b.ckpt", "run1é/c.ckpt", "run1 copy/d.ckpt"])
      writeCheckpoint(join(dir.path, sibling));
    await scan();
    const run1 = join(dir.path, "run1");
    expect(counts(await scan({ roots: [run1] }))).toEqual({
      added: 0,
      updated: 0,
      removed: 0,
      unchanged: 2,
      failed: 0,
    });
    rmSync(run1, { recursive: true });
    expect(counts(await scan({ roots: [run1] }))).toMatchObject({ removed: 2, unchanged: 0 });
    expect(paths()).toEqual([
      "run1 copy/d.ckpt",
      "run1-old/a.ckpt",
      "run10/b.ckpt",
      "run1é/c.ckpt",
      "run2/model.pt",
    ]);
  });
  test("a directory removed with everything in it takes its rows with it", async () => {
    writeCheckpoint(join(dir.path, "run3/deep/a.ckpt"));
    writeCheckpoint(join(dir.path, "run3/deep/b.ckpt"));
    await scan();
    rmSync(join(dir.path, "run3"), { recursive: true });
    expect(counts(await scan())).toEqual({ added: 0, updated: 0, removed: 2, unchanged: 3, failed: 0 });
    expect(paths()).not.toContain("run3/deep/a.ckpt");
  });

  test("a symlink to a checkpoint in another directory is its alias, also when the root is reached through a symlink", async () => {
    symlinkSync(join(dir.path, "run2/model.pt"), join(dir.path, "run1/checkpoints/best.pt"));
    const linkedRoot = join(dir.path, "..", `${dir.path.split("/").at(-1)}-link`);
    symlinkSync(dir.path, linkedRoot);
    try {
      expect(counts(await scan())).toMatchObject({ added: 4, unchanged: 0 });
      const aliases = aliasesOf(database, [join(dir.path, "run2/model.pt")]);
      expect([...aliases.values()].flat()).toEqual([join(dir.path, "run1/checkpoints/best.pt")]);
      await scan({ roots: [linkedRoot] });
      const viaLink = aliasesOf(database, [join(linkedRoot, "run2/model.pt")]);
      expect([...viaLink.values()].flat()).toEqual([join(linkedRoot, "run1/checkpoints/best.pt")]);
      expect(counts(await scan({ roots: [linkedRoot] }))).toMatchObject({ added: 0, unchanged: 4 });
    } finally {
      rmSync(linkedRoot);
    }
  });

  test("--no-recursive compares the root's own directory and leaves rows below it alone", async () => {
    writeCheckpoint(join(dir.path, "top.ckpt"));
    await scan();
    rmSync(join(dir.path, "top.ckpt"));
    expect(counts(await scan({ recursive: false }))).toEqual({
      added: 0,
      updated: 0,
      removed: 1,
      unchanged: 0,
      failed: 0,
    });
    expect(paths()).toEqual([
      "run1/checkpoints/epoch=1.ckpt",
      "run1/checkpoints/epoch=2.ckpt",
      "run2/model.pt",
    ]);
  });

  test("a checkpoint given as the root is read from its sidecar, and its row goes when it does", async () => {
    const model = join(dir.path, "run2/model.pt");
    expect(counts(await scan({ roots: [model] }))).toMatchObject({ added: 1 });
    expect(assembled).toEqual([]);
    rmSync(model);
    expect(counts(await scan({ roots: [model] }))).toMatchObject({ removed: 1 });
  });
  test("a rename whose sidecar went too is read again, and with --sidecars write gets its sidecar", async () => {
    const bare = writeCheckpoint(join(dir.path, "run3/a.ckpt"));
    await scan({ sidecars: "write" });
    expect(existsSync(join(dir.path, "run3/a.metadata.yaml"))).toBe(true);
    renameSync(bare, join(dir.path, "run3/b.ckpt"));
    rmSync(join(dir.path, "run3/a.metadata.yaml"));
    assembled = [];
    expect(counts(await scan({ sidecars: "write" }))).toMatchObject({ updated: 1, removed: 0 });
    expect(assembled).toEqual([join(dir.path, "run3/b.ckpt")]);
    expect(existsSync(join(dir.path, "run3/b.metadata.yaml"))).toBe(true);
    expect(storedMetadata(database, join(dir.path, "run3/b.ckpt"))?.exp_name).toBe("assembled");
    expect(paths()).not.toContain("run3/a.ckpt");
  });
  test("with --sidecars write, ckpt's sidecar follows a rename: it names the new file and stays beside it", async () => {
    writeCheckpoint(join(dir.path, "run5/ren.ckpt"));
    writeCheckpoint(join(dir.path, "run5/mv.ckpt"));
    await scan({ sidecars: "write" });
    mkdirSync(join(dir.path, "run6"));
    // ren.ckpt → ren.pt keeps ren.metadata.yaml; mv.ckpt moves to another directory.
    renameSync(join(dir.path, "run5/ren.ckpt"), join(dir.path, "run5/ren.pt"));
    renameSync(join(dir.path, "run5/mv.ckpt"), join(dir.path, "run6/mv.ckpt"));
    assembled = [];
    expect(counts(await scan({ sidecars: "write" }))).toMatchObject({ updated: 2, removed: 0 });
    expect(assembled).toEqual([]);
    const describes = (sidecar: string) => {
      const read = readSidecar(join(dir.path, sidecar));
      return read.success ? read.data.data?.checkpoint_path : read.error.code;
    };
    expect(describes("run5/ren.metadata.yaml")).toBe("run5/ren.pt");
    expect(describes("run6/mv.metadata.yaml")).toBe("run6/mv.ckpt");
    expect(existsSync(join(dir.path, "run5/mv.metadata.yaml"))).toBe(false);
    expect(counts(await scan({ sidecars: "write" }))).toMatchObject({ updated: 0, unchanged: 5 });
  });

  test("with several roots, a checkpoint's path is taken relative to the root it is in, whichever comes first", async () => {
    const longer = join(dir.path, "a-root-with-a-longer-name");
    mkdirSync(longer);
    const roots = [longer, join(dir.path, "run2")];
    await scan({ roots, sidecars: "write" });
    renameSync(join(dir.path, "run2/model.pt"), join(dir.path, "run2/renamed.pt"));
    expect(counts(await scan({ roots, sidecars: "write" }))).toMatchObject({ updated: 1 });
    const read = readSidecar(join(dir.path, "run2/renamed.metadata.yaml"));
    expect(read.success ? read.data.data?.checkpoint_path : read.error.code).toBe("renamed.pt");
  });

  test("a symlinked sharded checkpoint directory and a symlink reached through a linked directory are aliases", async () => {
    const sharded = join(dir.path, "run4/epoch=3.ckpt");
    mkdirSync(sharded, { recursive: true });
    writeFileSync(join(sharded, "model.pt"), "weights");
    symlinkSync("epoch=3.ckpt", join(dir.path, "run4/last.ckpt"));
    writeCheckpoint(join(dir.path, "real/e.ckpt"));
    symlinkSync(join(dir.path, "real"), join(dir.path, "linked"));
    symlinkSync(join(dir.path, "real/e.ckpt"), join(dir.path, "last.ckpt"));
    await scan();
    const rows = database
      .query<{ path: string; alias_of: string | null }, []>(
        "SELECT path, alias_of FROM checkpoints ORDER BY path",
      )
      .all()
      .map((row) => [row.path.slice(dir.path.length + 1), row.alias_of?.slice(dir.path.length + 1) ?? null]);
    const real = rows.find(([path]) => path === "real/e.ckpt" || path === "linked/e.ckpt")?.[0];
    expect(rows).toContainEqual(["run4/last.ckpt", "run4/epoch=3.ckpt"]);
    expect(rows).toContainEqual(["last.ckpt", real ?? "missing"]);
    expect(counts(await scan())).toMatchObject({ added: 0, updated: 0, removed: 0 });
  });

  test("a root inside another root is walked once", async () => {
    const model = join(dir.path, "run2/model.pt");
    expect(counts(await scan({ roots: [dir.path, model] }))).toMatchObject({ added: 3 });
    expect(counts(await scan({ roots: [dir.path, model, `${dir.path}/`] }))).toMatchObject({ unchanged: 3 });
  });
});
