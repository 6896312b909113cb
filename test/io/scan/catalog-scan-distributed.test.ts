import { expect, test } from "bun:test";
import { cpSync, existsSync, realpathSync } from "node:fs";
import { join, relative } from "node:path";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { queryEntries } from "../../../src/io/catalog/catalog-reads.ts";
import { scanCatalog } from "../../../src/io/scan/catalog-scan.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

// A scan of the distributed fixtures: each DeepSpeed tag, DCP dir, Accelerate save and sharded/adapter dir is one
// checkpoint (its rank files and shards are not rows of their own), in the run its writer's layout says, with the
// step its files hold (an incomplete one has no facts stored) and its sidecar inside it (DESIGN §1: a directory checkpoint keeps `ckpt.metadata.yaml`).
const fixtures = join(import.meta.dir, "..", "..", "fixtures", "distributed");

test("distributed checkpoints are catalogued one row per checkpoint, grouped into their runs", async () => {
  using dir = makeTempDir("scan-distributed");
  const root = join(realpathSync(dir.path), "d");
  cpSync(fixtures, root, { recursive: true, filter: (source) => !source.endsWith(".truth.json") });
  const database = openCatalogForWriting(join(dir.path, "catalog.db"), { now: () => 0 });
  try {
    await scanCatalog(database, {
      roots: [root],
      sidecars: "write",
      now: () => 1_700_000_000_000,
      workers: 0,
    });
    const rows = queryEntries(database, { roots: [root] }).map((entry) => ({
      path: relative(root, entry.path),
      status: entry.status,
      step: entry.global_step,
      run: entry.run_dir === null ? null : relative(root, entry.run_dir),
    }));
    const by = (path: string) => rows.find((row) => row.path === path);
    expect(rows.filter((row) => row.path.endsWith(".pt") || row.path.endsWith(".distcp"))).toEqual([]);
    expect([
      by("deepspeed/zero2_bf16_save_in_progress/global_step4"),
      by("deepspeed/zero2_bf16_save_in_progress/global_step6"),
      by("dcp/titan_run/checkpoint/step-200"),
      by("dcp/titan_run/checkpoint/step-400"),
      by("accelerate/run_limit2/checkpoints/checkpoint_2"),
      by("hf/trainer_run/checkpoint-8"),
      by("hf/tiny-mistral-3shards-missing-shard"),
    ]).toEqual([
      {
        path: "deepspeed/zero2_bf16_save_in_progress/global_step4",
        status: "ok",
        step: 4,
        run: "deepspeed/zero2_bf16_save_in_progress",
      },
      {
        path: "deepspeed/zero2_bf16_save_in_progress/global_step6",
        status: "incomplete",
        step: null,
        run: "deepspeed/zero2_bf16_save_in_progress",
      },
      { path: "dcp/titan_run/checkpoint/step-200", status: "ok", step: 200, run: "dcp/titan_run" },
      {
        path: "dcp/titan_run/checkpoint/step-400",
        status: "incomplete",
        step: null,
        run: "dcp/titan_run",
      },
      {
        path: "accelerate/run_limit2/checkpoints/checkpoint_2",
        status: "ok",
        step: 6,
        run: "accelerate/run_limit2",
      },
      { path: "hf/trainer_run/checkpoint-8", status: "ok", step: 8, run: "hf/trainer_run" },
      {
        path: "hf/tiny-mistral-3shards-missing-shard",
        status: "incomplete",
        step: null,
        run: "hf",
      },
    ]);
    expect(rows.filter((row) => row.path.startsWith("broken/")).map((row) => row.status)).toEqual([
      "unsafe",
      "unsafe",
    ]);
    expect(
      existsSync(join(root, "deepspeed/zero2_bf16_save_in_progress/global_step4/ckpt.metadata.yaml")),
    ).toBe(true);
    expect(existsSync(join(root, "dcp/titan_run/checkpoint/step-200/ckpt.metadata.yaml"))).toBe(true);
  } finally {
    database.close();
  }
});
