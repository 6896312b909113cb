import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CatalogEntry } from "../../../src/core/catalog/catalog-entry.ts";
import { findRunPointers } from "../../../src/io/disk/run-pointers.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

/** What findRunPointers reads of a catalog entry: its path, kind and step. */
const entry = (path: string): CatalogEntry =>
  ({ path, kind: "file", global_step: null }) as unknown as CatalogEntry;

describe("findRunPointers", () => {
  test("reads DeepSpeed latest and Megatron's tracker; one that is over its cap or not a regular file names nothing", () => {
    using dir = makeTempDir("run-pointers");
    const [ds, mg, big, fifo] = [
      join(dir.path, "ds"),
      join(dir.path, "mg"),
      join(dir.path, "big"),
      join(dir.path, "fifo"),
    ];
    for (const run of [ds, mg, big, fifo]) mkdirSync(join(run, "tag"), { recursive: true });
    writeFileSync(join(ds, "latest"), "global_step4\n");
    writeFileSync(join(mg, "latest_checkpointed_iteration.txt"), "1200\n");
    writeFileSync(join(big, "latest"), `global_step4${" ".repeat(5000)}`);
    // A FIFO is never opened for reading (that would wait for a writer forever).
    expect(Bun.spawnSync(["mkfifo", join(fifo, "latest")]).exitCode).toBe(0);
    const pointers = findRunPointers([ds, mg, big, fifo].map((run) => entry(join(run, "tag", "model.pt"))));
    expect(pointers).toEqual([
      { target: join(ds, "global_step4"), name: "latest" },
      { target: join(mg, "iter_0001200"), name: "latest_checkpointed_iteration.txt" },
    ]);
  });
});
