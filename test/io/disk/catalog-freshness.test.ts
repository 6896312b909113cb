import { describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CatalogEntry } from "../../../src/core/catalog/catalog-entry.ts";
import { listedChange } from "../../../src/io/disk/catalog-freshness.ts";
import { DirectoryListings } from "../../../src/io/disk/directory-listings.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";
import { sampleEntry } from "../../helpers/tui-catalog.ts";

const at = (path: string, kind: CatalogEntry["kind"] = "file"): CatalogEntry => ({
  ...sampleEntry("a", "x.ckpt"),
  path,
  kind,
});

describe("listedChange (the dry run's freshness check)", () => {
  test("gone, renamed into a link or another kind, a gone directory; a rewrite in place is not its to see", () => {
    using dir = makeTempDir("listed-change");
    const run = join(dir.path, "run");
    mkdirSync(join(run, "checkpoint-8"), { recursive: true });
    for (const name of ["same.ckpt", "rewritten.ckpt", "target.ckpt"]) writeFileSync(join(run, name), "x");
    symlinkSync("target.ckpt", join(run, "linked.ckpt"));
    mkdirSync(join(run, "now-a-dir.ckpt"));
    writeFileSync(join(run, "checkpoint-4"), "a file where a directory was");
    const listings = new DirectoryListings();
    const change = (path: string, kind?: CatalogEntry["kind"]) => listedChange(at(path, kind), listings);
    writeFileSync(join(run, "rewritten.ckpt"), "rewritten in place: another size, the same name");
    expect([
      change(join(run, "same.ckpt")),
      change(join(run, "rewritten.ckpt")),
      change(join(run, "gone.ckpt")),
      change(join(run, "linked.ckpt")),
      change(join(run, "now-a-dir.ckpt")),
      change(join(run, "checkpoint-8"), "hf-dir"),
      change(join(run, "checkpoint-4"), "hf-dir"),
      change(join(dir.path, "no-such-run", "x.ckpt")),
      change(join(run, "same.ckpt", "inside-a-file.ckpt")),
    ]).toEqual([
      null,
      null,
      "is gone from disk",
      "is a symlink now",
      "is no file now",
      null,
      "is no directory now",
      "is gone from disk",
      "is gone from disk",
    ]);
  });

  test("a plan lists each directory once: what changes after its listing is not seen by that plan", () => {
    using dir = makeTempDir("listed-once");
    writeFileSync(join(dir.path, "a.ckpt"), "x");
    const listings = new DirectoryListings();
    expect(listings.has(dir.path, "a.ckpt")).toBe(true);
    rmSync(join(dir.path, "a.ckpt"));
    expect([listings.has(dir.path, "a.ckpt"), new DirectoryListings().has(dir.path, "a.ckpt")]).toEqual([
      true,
      false,
    ]);
  });

  test("parentOf: each path's own directory's listing, for paths of directories of the same length in turn", () => {
    using dir = makeTempDir("parent-of");
    for (const [run, name] of [
      ["run1", "a.ckpt"],
      ["run2", "b.ckpt"],
    ] as const) {
      mkdirSync(join(dir.path, run));
      writeFileSync(join(dir.path, run, name), "x");
    }
    const listings = new DirectoryListings();
    const names = (path: string) => [...(listings.parentOf(path)?.keys() ?? [])];
    expect([
      names(join(dir.path, "run1", "a.ckpt")),
      names(join(dir.path, "run1", "other.ckpt")),
      names(join(dir.path, "run2", "a.ckpt")),
      names(join(dir.path, "run1", "x")),
      names(join(dir.path, "run1")).sort(),
    ]).toEqual([["a.ckpt"], ["a.ckpt"], ["b.ckpt"], ["a.ckpt"], ["run1", "run2"]]);
  });
});
