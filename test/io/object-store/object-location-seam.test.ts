import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { runCliInProcess } from "../../helpers/run-cli-in-process.ts";
import { startEdgeServer } from "../../helpers/s3-edge-server.ts";
import { type S3TestServer, startS3TestServer, TEST_BUCKET } from "../../helpers/s3-test-server.ts";
import { bigLightningPlan, versionOfPlan } from "../../helpers/sparse-object.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const RUN = "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints";
const EPOCH2 = readFileSync(join(realFixtureRoot, RUN, "dbnet-epoch02-hmean0.9705.ckpt"));
// Another run's epoch 3, of another size: a sidecar's recorded size tells it stale whatever the clock says.
const EPOCH3 = readFileSync(
  join(
    realFixtureRoot,
    "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44/checkpoints/epoch=3-step=32-val/hmean=0.8819.ckpt",
  ),
);

function objectVersions(catalog: string): Array<{ path: string; etag: string }> {
  const database = new Database(catalog, { readonly: true });
  try {
    return database.query<{ path: string; etag: string }, []>("SELECT path, etag FROM object_versions").all();
  } finally {
    database.close();
  }
}

test("an object replaced between the listing and its read: the row and its ETag are the version read", async () => {
  const v1 = versionOfPlan(bigLightningPlan({ tensors: 3, numelEach: 1000, epoch: 7 }), '"v1"');
  const v2 = versionOfPlan(bigLightningPlan({ tensors: 3, numelEach: 1000, epoch: 8 }), '"v2"');
  // The listing sees v1; the first GET finds v2 (its If-Match fails), so the object is read again as v2.
  const server = startEdgeServer({ "exp/last.ckpt": [v1, v2] }, { replaceAfter: 0 });
  try {
    using dir = makeTempDir("s3-seam-etag");
    const catalog = join(dir.path, "catalog.db");
    const ckpt = (args: string[]) =>
      runCliInProcess([...args, "--catalog", catalog, "--json"], { cwd: dir.path, env: server.env });
    const first = JSON.parse((await ckpt(["scan", "s3://edge/exp"])).stdout);
    expect([first.added, first.failed]).toEqual([1, 0]);
    expect(server.requests.filter((request) => request.status === 412).length).toBeGreaterThan(0);
    expect(objectVersions(catalog)).toEqual([{ path: "s3://edge/exp/last.ckpt", etag: '"v2"' }]);
    const rows = JSON.parse((await ckpt(["ls", "s3://edge/exp"])).stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => [row["epoch"], row["size_bytes"] ?? row["size"]])).toEqual([[8, v2.size]]);
    // The listing now shows v2, which the catalog already holds: nothing is read again.
    const again = JSON.parse((await ckpt(["scan", "s3://edge/exp"])).stdout);
    expect([again.added, again.updated, again.unchanged]).toEqual([0, 0, 1]);
  } finally {
    server.stop();
  }
});

describe("sidecars of objects follow the one write rule", () => {
  let server: S3TestServer;
  const dir = makeTempDir("s3-seam-sidecars");
  const root = `s3://${TEST_BUCKET}/exp`;
  const scan = (catalog: string) =>
    runCliInProcess(["scan", root, "--sidecars", "write", "--json", "--catalog", join(dir.path, catalog)], {
      cwd: dir.path,
      env: server.env,
    });
  const text = async (key: string) => await server.client.file(key).text();

  beforeAll(async () => {
    server = await startS3TestServer();
    await server.put("exp/ours.ckpt", EPOCH2);
    await server.put("exp/theirs.ckpt", EPOCH2);
  });
  afterAll(async () => {
    await server.stop();
    dir[Symbol.dispose]();
  });

  test("a stale sidecar ckpt wrote is replaced; a stale one anyone else wrote is kept, the row read from the object", async () => {
    const first = JSON.parse((await scan("first.db")).stdout);
    expect([first.added, first.sidecars_written]).toEqual([2, 2]);
    const theirs = (await text("exp/theirs.metadata.yaml")).replace(
      /(generator:\n\s+name: )"?ckpt"?/,
      '$1"my-tool"',
    );
    expect(theirs).toContain('name: "my-tool"');
    await server.put("exp/theirs.metadata.yaml", theirs);
    // Both checkpoints are overwritten: both sidecars now describe an older object.
    await server.put("exp/ours.ckpt", EPOCH3);
    await server.put("exp/theirs.ckpt", EPOCH3);

    const second = JSON.parse((await scan("second.db")).stdout);
    expect([second.added, second.sidecars_written]).toEqual([2, 1]);
    expect(await text("exp/theirs.metadata.yaml")).toBe(theirs);
    expect(await text("exp/ours.metadata.yaml")).toContain(`size: ${EPOCH3.length}`);
    const ls = await runCliInProcess(["ls", root, "--json", "--catalog", join(dir.path, "second.db")], {
      cwd: dir.path,
      env: server.env,
    });
    const rows = JSON.parse(ls.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => [row["path"], row["sidecar"], row["epoch"]])).toEqual([
      [`${root}/ours.ckpt`, "valid", 3],
      [`${root}/theirs.ckpt`, "stale", 3],
    ]);
  });
});
