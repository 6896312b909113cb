import { expect, test } from "bun:test";
import { cpSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { guessRunDir } from "../../../src/core/catalog/entry-from-metadata.ts";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { queryEntries } from "../../../src/io/catalog/catalog-reads.ts";
import { scanCatalog } from "../../../src/io/scan/catalog-scan.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

// Lightning's `{epoch}-{step}-{val/hmean}` file name puts checkpoints in `checkpoints/epoch=2-step=24-val/`.
const RUN = "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44";
const NESTED = [
  "checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt",
  "checkpoints/epoch=3-step=32-val/hmean=0.8819.ckpt",
];

async function runDirsAfterScan(root: string, options: { catalog: string; sidecars: "write" | "read" }) {
  const database = openCatalogForWriting(options.catalog, { now: () => 0 });
  try {
    await scanCatalog(database, {
      roots: [root],
      sidecars: options.sidecars,
      now: () => 1_700_000_000_000,
      workers: 0,
    });
    const runDirOf = new Map(
      queryEntries(database, { roots: [root] }).map((entry) => [entry.path, entry.run_dir]),
    );
    const runs = database.query<{ dir: string }, []>("SELECT dir FROM runs ORDER BY dir").all();
    return {
      checkpoints: [...NESTED, "checkpoints/last.ckpt"].map((name) => runDirOf.get(join(root, name))),
      runs: runs.map((run) => run.dir),
    };
  } finally {
    database.close();
  }
}

test("checkpoints in a Lightning metric-name sub-directory belong to the run, from the checkpoint and from its sidecar", async () => {
  using dir = makeTempDir("run-dir");
  const root = join(realpathSync(dir.path), "14-52-44");
  cpSync(join(realFixtureRoot, RUN), root, { recursive: true });
  const expected = { checkpoints: [root, root, root], runs: [root] };
  // First scan: no sidecars, so the metadata pipeline reads each checkpoint (and writes its sidecar).
  expect(await runDirsAfterScan(root, { catalog: join(dir.path, "first.db"), sidecars: "write" })).toEqual(
    expected,
  );
  // A fresh catalog over the same tree takes the sidecar fast path: the same run.
  expect(await runDirsAfterScan(root, { catalog: join(dir.path, "second.db"), sidecars: "read" })).toEqual(
    expected,
  );
});

test("guessRunDir skips Lightning metric-name directories", () => {
  expect(
    [
      "/r/exp1/checkpoints/epoch=3.ckpt",
      "/r/exp1/checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt",
      "/r/exp1/model.pt",
    ].map(guessRunDir),
  ).toEqual(["/r/exp1", "/r/exp1", "/r/exp1"]);
});

test("guessRunDir: a save's member file belongs to the save's run, a tag known by its files whatever its name", () => {
  expect(
    [
      "/r/ds/global_step6", // the tag read as a whole
      "/r/ds/global_step6/mp_rank_00_model_states.pt",
      "/r/ds/best/mp_rank_00_model_states.pt",
      "/r/exp2/checkpoints/best/zero_pp_rank_0_mp_rank_00_optim_states.pt",
      "/r/m/iter_0001200/common.pt",
    ].map(guessRunDir),
  ).toEqual(["/r/ds", "/r/ds", "/r/ds", "/r/exp2", "/r/m"]);
});
