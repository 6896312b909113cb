import { describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, readFileSync, realpathSync, symlinkSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { fileLocation, locationUnder } from "../../../src/io/scan/checkpoint-location.ts";
import { type AssembleCheckpoint, readOne } from "../../../src/io/scan/index-one.ts";
import { readSidecar } from "../../../src/io/sidecar/sidecar-store.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { runCliInProcess } from "../../helpers/run-cli-in-process.ts";
import { scannedFileAt } from "../../helpers/scanned-file.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const RUN = "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints";
const EPOCH2 = join(realFixtureRoot, RUN, "dbnet-epoch02-hmean0.9705.ckpt");

/** A run with one real checkpoint and a `last.ckpt` symlink to it, under a root reached through a symlink. */
function runTree(dir: { path: string }) {
  const real = join(dir.path, "real");
  const checkpoints = join(real, "exp", "checkpoints");
  mkdirSync(checkpoints, { recursive: true });
  cpSync(EPOCH2, join(checkpoints, "epoch=2.ckpt"));
  symlinkSync("epoch=2.ckpt", join(checkpoints, "last.ckpt"));
  const root = join(dir.path, "root");
  symlinkSync(real, root);
  return { root, checkpoints: join(root, "exp", "checkpoints") };
}

const noAssembly: AssembleCheckpoint = (path) => {
  throw new Error(`${path}: assembled, though its sidecar is current`);
};

describe("CheckpointLocation of a local file", () => {
  test("built once where found: real path, checkpoint_path under the root's real path, the sidecar's one place", () => {
    using dir = makeTempDir("location");
    const { root, checkpoints } = runTree(dir);
    const target = locationUnder(scannedFileAt(join(checkpoints, "epoch=2.ckpt")), [root]);
    const link = locationUnder(scannedFileAt(join(checkpoints, "last.ckpt")), [dir.path, root]);
    const realTarget = join(realpathSync(dir.path), "real/exp/checkpoints/epoch=2.ckpt");
    expect({ ...target, file: null, identity: target.identity === target.file }).toEqual({
      kind: "file",
      file: null,
      identity: true,
      realPath: realTarget,
      root,
      relativeTo: root,
      relativePath: "exp/checkpoints/epoch=2.ckpt",
      sidecar: join(checkpoints, "epoch=2.metadata.yaml"),
    });
    // The innermost root holds it; a symlink without its own sidecar shares its target's (sidecarLocation).
    expect([link.root, link.realPath, link.relativePath, link.sidecar]).toEqual([
      root,
      realTarget,
      "exp/checkpoints/epoch=2.ckpt",
      join(realpathSync(dir.path), "real/exp/checkpoints/epoch=2.metadata.yaml"),
    ]);
    // convert --exp-dir: paths relative to the experiment's parent, sidecars still only under the experiment.
    const convert = fileLocation(scannedFileAt(join(checkpoints, "epoch=2.ckpt")), {
      root: join(root, "exp"),
      relativeTo: dir.path,
    });
    expect([convert.root, convert.relativePath]).toEqual([
      join(root, "exp"),
      "real/exp/checkpoints/epoch=2.ckpt",
    ]);
  });
});

describe("convert and the scan index through the same readOne", () => {
  test("convert's sidecar names the location's relative path, and the scan's read then uses it as current", async () => {
    using dir = makeTempDir("location-convert");
    const { root, checkpoints } = runTree(dir);
    const converted = await runCliInProcess(["convert", "--outputs-dir", root, "--json"], { cwd: dir.path });
    expect([converted.exitCode, JSON.parse(converted.stdout).converted]).toEqual([0, 1]);
    const file = { ...scannedFileAt(join(checkpoints, "epoch=2.ckpt")), sidecar_present: true };
    const location = locationUnder(file, [root]);
    const sidecar = readSidecar(location.sidecar);
    expect(sidecar.success && sidecar.data.data?.checkpoint_path).toBe(location.relativePath);
    const read = await readOne(location, { sidecars: "read", now: () => 0, assemble: noAssembly });
    expect([read.entry.sidecar, read.wrote, read.version]).toEqual(["valid", null, null]);
  });

  test("a stale sidecar ckpt wrote: the scan's writer replaces it, convert only with --force (one rule, two callers)", async () => {
    using dir = makeTempDir("location-verdicts");
    const { root, checkpoints } = runTree(dir);
    const path = join(checkpoints, "epoch=2.ckpt");
    expect((await runCliInProcess(["convert", "--outputs-dir", root], { cwd: dir.path })).exitCode).toBe(0);
    const sidecarPath = join(checkpoints, "epoch=2.metadata.yaml");
    utimesSync(path, new Date("2026-12-02T00:00:00Z"), new Date("2026-12-02T00:00:00Z"));
    const written = readFileSync(sidecarPath, "utf8");

    const kept = await runCliInProcess(["convert", "--outputs-dir", root, "--json"], { cwd: dir.path });
    // Skipped: the checkpoint (its sidecar exists) and last.ckpt (it shares that sidecar).
    expect([JSON.parse(kept.stdout).skipped, readFileSync(sidecarPath, "utf8")]).toEqual([2, written]);

    const scan = await readOne(locationUnder({ ...scannedFileAt(path), sidecar_present: true }, [root]), {
      sidecars: "write",
      now: () => 0,
      assemble: (await import("../../../src/io/scan/catalog-assemble.ts")).defaultAssemble,
    });
    expect([scan.wrote, scan.entry.sidecar]).toEqual([sidecarPath, "valid"]);
    const refreshed = readSidecar(sidecarPath);
    expect(refreshed.success && refreshed.data.data?.ckpt?.file?.mtime).toBe("2026-12-02T00:00:00.000Z");

    utimesSync(path, new Date("2026-12-03T00:00:00Z"), new Date("2026-12-03T00:00:00Z"));
    const forced = await runCliInProcess(["convert", "--outputs-dir", root, "--force", "--json"], {
      cwd: dir.path,
    });
    expect(JSON.parse(forced.stdout).converted).toBe(1);
    const rewritten = readSidecar(sidecarPath);
    expect(rewritten.success && rewritten.data.data?.ckpt?.file?.mtime).toBe("2026-12-03T00:00:00.000Z");
  });
});
