import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { type S3TestServer, startS3TestServer, TEST_BUCKET } from "../helpers/s3-test-server.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const RUN = "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints";
const FILES = [
  "dbnet-epoch02-hmean0.9705.ckpt",
  "dbnet-epoch03-hmean0.9778.ckpt",
  "dbnet-epoch04-hmean0.9811.ckpt",
  "last.ckpt",
];
const PREFIX = "team/dbnet/checkpoints";
const ROOT = `s3://${TEST_BUCKET}/team`;

let server: S3TestServer;
const dir = makeTempDir("s3-catalog");
const catalog = join(dir.path, "catalog.db");

beforeAll(async () => {
  server = await startS3TestServer();
  for (const name of FILES)
    await server.put(`${PREFIX}/${name}`, readFileSync(join(realFixtureRoot, RUN, name)));
  // A writer's temp and an object outside the prefix: neither is catalogued.
  await server.put(`${PREFIX}/epoch=9.ckpt.tmp`, readFileSync(join(realFixtureRoot, RUN, "last.ckpt")));
  await server.put("teammate/other.ckpt", readFileSync(join(realFixtureRoot, RUN, "last.ckpt")));
});
afterAll(async () => {
  await server.stop();
  dir[Symbol.dispose]();
});

function ckpt(args: string[]) {
  return runCliInProcess([...args, "--catalog", catalog], { cwd: dir.path, env: server.env });
}

async function keys(): Promise<string[]> {
  const listed = await server.client.list({ prefix: "" });
  return (listed.contents ?? []).map((item) => item.key).sort();
}

describe("scan, ls and best over an s3:// prefix", () => {
  test("scan catalogs the checkpoint objects (not *.tmp, not outside the prefix), writes nothing to the bucket", async () => {
    const before = await keys();
    const scan = await ckpt(["scan", ROOT, "--json"]);
    expect(scan.exitCode).toBe(0);
    const summary = JSON.parse(scan.stdout);
    expect([
      summary.added,
      summary.updated,
      summary.removed,
      summary.failed,
      summary.sidecars_written,
    ]).toEqual([4, 0, 0, 0, 0]);
    expect(scan.stderr).toContain(
      "have their metadata in the catalog only; 'ckpt scan s3://ckpts/team --sidecars write'",
    );
    expect(await keys()).toEqual(before);
  });

  test("ls shows the objects with what the checkpoints hold; the catalog keeps each size and ETag", async () => {
    const ls = await ckpt(["ls", ROOT, "--json", "--sort", "epoch"]);
    expect(ls.exitCode).toBe(0);
    const entries = JSON.parse(ls.stdout) as Array<Record<string, unknown>>;
    expect(
      entries.map((entry) => [entry["path"], entry["framework"], entry["epoch"], entry["status"]]),
    ).toEqual([
      [`${ROOT}/dbnet/checkpoints/dbnet-epoch02-hmean0.9705.ckpt`, "lightning", 2, "ok"],
      [`${ROOT}/dbnet/checkpoints/dbnet-epoch03-hmean0.9778.ckpt`, "lightning", 3, "ok"],
      [`${ROOT}/dbnet/checkpoints/dbnet-epoch04-hmean0.9811.ckpt`, "lightning", 4, "ok"],
      [`${ROOT}/dbnet/checkpoints/last.ckpt`, "lightning", 4, "ok"],
    ]);
    const listed = await server.client.list({ prefix: PREFIX });
    const database = new Database(catalog, { readonly: true });
    const rows = database
      .query<{ path: string; size: number; etag: string }, []>(
        "SELECT c.path, c.size, o.etag FROM checkpoints c JOIN object_versions o ON o.path = c.path ORDER BY c.path",
      )
      .all();
    database.close();
    const expected = (listed.contents ?? [])
      .filter((item) => !item.key.endsWith(".tmp"))
      .map((item) => ({ path: `s3://${TEST_BUCKET}/${item.key}`, size: item.size, etag: item.eTag }));
    expect(rows as unknown[]).toEqual(expected);
  });

  test("best picks by the monitored metric", async () => {
    const best = await ckpt(["best", ROOT, "--json"]);
    expect(best.exitCode).toBe(0);
    const entries = JSON.parse(best.stdout) as Array<Record<string, unknown>>;
    expect(entries.map((entry) => entry["path"])).toEqual([
      `${ROOT}/dbnet/checkpoints/dbnet-epoch04-hmean0.9811.ckpt`,
    ]);
  });

  test("stats, du and trash look for no disk under an s3:// root: it has no filesystem", async () => {
    const stats = await ckpt(["stats", "--json"]);
    expect(stats.stderr).toBe("");
    const { checkpoints, health } = JSON.parse(stats.stdout);
    expect([checkpoints, health.filesystems, health.unmeasured]).toEqual([4, [], []]);
    const asked = JSON.parse((await ckpt(["stats", ROOT, "--json"])).stdout);
    expect([asked.checkpoints, asked.health.unmeasured]).toEqual([4, []]);
    const text = await ckpt(["stats"]);
    expect(text.stdout).not.toContain("free space unknown");
    const du = await ckpt(["du", "--json"]);
    expect([du.exitCode, du.stderr]).toEqual([0, ""]);
    expect(du.stdout).not.toContain("s3://");
    const trash = await ckpt(["trash", "list", "--json"]);
    expect([trash.exitCode, trash.stdout, trash.stderr]).toEqual([0, "[]\n", ""]);
  });

  test("prune plans no object in a bucket and refuses an s3:// root: it deletes only on this machine's disks", async () => {
    const plan = await ckpt(["prune", "--keep-last", "1", "--json"]);
    expect([plan.exitCode, plan.stderr]).toEqual([0, ""]);
    expect(plan.stdout).not.toContain("s3://");
    const asked = await ckpt(["prune", ROOT, "--keep-last", "1"]);
    expect(asked.exitCode).toBe(2);
    expect(asked.stderr).toContain(
      `prune: ${ROOT} is in object storage; prune deletes only on this machine's disks`,
    );
  });

  test("a rescan reads only what changed: an overwritten object (new ETag) is re-read, a deleted one removed", async () => {
    const unchanged = JSON.parse((await ckpt(["scan", ROOT, "--json"])).stdout);
    expect([unchanged.added, unchanged.updated, unchanged.removed, unchanged.unchanged]).toEqual([
      0, 0, 0, 4,
    ]);
    const epoch2 = readFileSync(join(realFixtureRoot, RUN, "dbnet-epoch02-hmean0.9705.ckpt"));
    await server.put(`${PREFIX}/last.ckpt`, epoch2);
    await server.client.delete(`${PREFIX}/dbnet-epoch03-hmean0.9778.ckpt`);
    const changed = JSON.parse((await ckpt(["scan", ROOT, "--json"])).stdout);
    expect([changed.added, changed.updated, changed.removed, changed.unchanged]).toEqual([0, 1, 1, 2]);
    const ls = JSON.parse((await ckpt(["ls", ROOT, "--json", "--no-scan"])).stdout) as Array<
      Record<string, unknown>
    >;
    expect(ls.find((entry) => String(entry["path"]).endsWith("/last.ckpt"))?.["epoch"]).toBe(2);
  });

  test("--sidecars write puts <stem>.metadata.yaml next to each object; the next scan uses them", async () => {
    const scan = await ckpt(["scan", ROOT, "--sidecars", "write", "--json"]);
    expect(JSON.parse(scan.stdout).sidecars_written).toBe(0);
    // Rows exist already: a fresh catalog reads them again and writes the sidecars.
    const fresh = join(dir.path, "fresh.db");
    const first = await runCliInProcess(["scan", ROOT, "--sidecars", "write", "--json", "--catalog", fresh], {
      cwd: dir.path,
      env: server.env,
    });
    expect(JSON.parse(first.stdout).sidecars_written).toBe(3);
    expect((await keys()).filter((key) => key.endsWith(".metadata.yaml"))).toEqual([
      `${PREFIX}/dbnet-epoch02-hmean0.9705.metadata.yaml`,
      `${PREFIX}/dbnet-epoch04-hmean0.9811.metadata.yaml`,
      `${PREFIX}/last.metadata.yaml`,
    ]);
    const third = join(dir.path, "third.db");
    const again = await runCliInProcess(["ls", ROOT, "--json", "--catalog", third], {
      cwd: dir.path,
      env: server.env,
    });
    const rows = JSON.parse(again.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => row["sidecar"])).toEqual(["valid", "valid", "valid"]);
  });
});

describe("checkpoint directories in S3", () => {
  const hf = join(import.meta.dir, "..", "fixtures", "runs", "hf-trainer", "trainer_run", "checkpoint-8");

  test("an HF checkpoint-N/ prefix is one row, as on disk; a tmp-checkpoint-N/ being saved is not", async () => {
    for (const name of readdirSync(hf)) {
      await server.put(`hfrun/checkpoint-8/${name}`, readFileSync(join(hf, name)));
      await server.put(`hfrun/tmp-checkpoint-9/${name}`, readFileSync(join(hf, name)));
    }
    const hfCatalog = join(dir.path, "hf.db");
    const ls = await runCliInProcess(["ls", `s3://${TEST_BUCKET}/hfrun`, "--json", "--catalog", hfCatalog], {
      cwd: dir.path,
      env: server.env,
    });
    // The same layout on disk: hfrun/checkpoint-8/ beside a half-saved tmp-checkpoint-9/.
    const hfrun = join(dir.path, "hfrun");
    for (const sub of ["checkpoint-8", "tmp-checkpoint-9"]) cpSync(hf, join(hfrun, sub), { recursive: true });
    const local = await runCliInProcess(["ls", hfrun, "--json", "--catalog", join(dir.path, "local.db")], {
      cwd: dir.path,
    });
    const fields = (entry: Record<string, unknown>) => [
      entry["kind"],
      entry["framework"],
      entry["epoch"],
      entry["global_step"],
      entry["status"],
    ];
    const remote = JSON.parse(ls.stdout) as Array<Record<string, unknown>>;
    const onDiskRows = JSON.parse(local.stdout) as Array<Record<string, unknown>>;
    expect(onDiskRows.map((entry) => entry["path"])).toEqual([join(hfrun, "checkpoint-8")]);
    const [onDisk] = onDiskRows;
    expect(remote.map((entry) => entry["path"])).toEqual([`s3://${TEST_BUCKET}/hfrun/checkpoint-8`]);
    expect(remote.map(fields)).toEqual([fields(onDisk ?? {})]);
    expect(fields(onDisk ?? {})[0]).toBe("hf-dir");
  });
});
