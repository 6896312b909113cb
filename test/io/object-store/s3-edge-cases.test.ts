import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { S3Settings } from "../../../src/core/object-store/s3-settings.ts";
import { readCheckpointReport } from "../../../src/io/checkpoint/read-checkpoint.ts";
import { writeSparseFile } from "../../../src/io/fs/sparse-file-writer.ts";
import { readObjectCheckpoint } from "../../../src/io/object-store/read-object-checkpoint.ts";
import { listObjects } from "../../../src/io/object-store/s3-listing.ts";
import { S3Store } from "../../../src/io/object-store/s3-store.ts";
import { runCliInProcess } from "../../helpers/run-cli-in-process.ts";
import {
  type EdgeBehaviour,
  type EdgeServer,
  type EdgeVersion,
  startEdgeServer,
} from "../../helpers/s3-edge-server.ts";
import { bigLightningPlan, versionOfPlan } from "../../helpers/sparse-object.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

// 300 tensors of 20M float32: a 24 GB checkpoint with a 300-entry zip directory, served from a few KB.
const BIG = bigLightningPlan({ tensors: 300, numelEach: 20_000_000, epoch: 7 });
const BIG_V2 = bigLightningPlan({ tensors: 300, numelEach: 20_000_000, epoch: 8 });
const V1 = versionOfPlan(BIG, '"v1"');
const V2 = versionOfPlan(BIG_V2, '"v2"');
const KEY = "exp/last.ckpt";

const servers: EdgeServer[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.stop();
});

function serve(
  behaviour: EdgeBehaviour = {},
  objects: Record<string, EdgeVersion[]> = { [KEY]: [V1, V2] },
): EdgeServer {
  const server = startEdgeServer(objects, behaviour);
  servers.push(server);
  return server;
}

function settings(endpoint: string): S3Settings {
  return {
    accessKeyId: "k",
    secretAccessKey: "s",
    sessionToken: null,
    region: "us-east-1",
    endpoint,
    sources: { credentials: "$AWS_ACCESS_KEY_ID", region: "$AWS_REGION", endpoint: "$AWS_ENDPOINT_URL" },
  };
}

function storeOf(server: { endpoint: string }): S3Store {
  const retry = { attempts: 3, baseMs: 1, sleep: (ms: number) => Bun.sleep(ms) };
  return new S3Store({ settings: settings(server.endpoint), bucket: "edge", retry });
}

function localReport(plan: typeof BIG) {
  using dir = makeTempDir("s3-edge");
  const path = join(dir.path, "last.ckpt");
  writeSparseFile(path, plan);
  return { ...readCheckpointReport(path), path: "PATH" };
}

const LOCAL_V1 = localReport(BIG);
const LOCAL_V2 = localReport(BIG_V2);

describe("one checkpoint object, read with ranges", () => {
  test("a 24 GB checkpoint: one round trip, 2 GETs (206), ≤ 600 KiB, the same report as from disk", async () => {
    const server = serve();
    const store = storeOf(server);
    const read = await readObjectCheckpoint(store, KEY, null);
    expect({ ...read.report, path: "PATH" }).toEqual(LOCAL_V1);
    expect(read.identity).toEqual({
      size: BIG.size,
      etag: '"v1"',
      lastModified: "Tue, 01 Dec 2026 00:00:00 GMT",
    });
    expect(server.requests.map((r) => [r.range, r.status])).toEqual([
      ["bytes=0-262143", 206],
      ["bytes=-262144", 206],
    ]);
    expect(store.counters).toEqual({ requests: 2, bytes: 512 * 1024 });
    expect(BIG.size).toBeGreaterThan(20e9);
  });

  test("a reader miss (a 1.3 MB data.pkl) fetches only what is missing, If-Match, and reads as from disk", async () => {
    const plan = bigLightningPlan({ tensors: 8000, numelEach: 1_000_000, epoch: 5 });
    const server = serve({}, { "huge-pickle.ckpt": [versionOfPlan(plan, '"p"')] });
    const store = storeOf(server);
    const read = await readObjectCheckpoint(store, "huge-pickle.ckpt", null);
    expect({ ...read.report, path: "PATH" }).toEqual(localReport(plan));
    const [head, tail, ...misses] = server.requests;
    expect([head?.range, tail?.range]).toEqual(["bytes=0-262143", "bytes=-262144"]);
    expect(misses.length).toBeGreaterThan(0);
    expect(misses.every((miss) => miss.ifMatch === '"p"' && miss.status === 206)).toBe(true);
    // Only bytes the reader asked for (rounded up to 256 KiB a miss), never the 32 GB object.
    expect(store.counters.bytes).toBeLessThan(read.report.bytes_read + 1024 * 1024);
  });

  test("known size and ETag (from a listing): explicit ranges, each If-Match", async () => {
    const server = serve();
    const read = await readObjectCheckpoint(storeOf(server), KEY, {
      size: V1.size,
      etag: '"v1"',
      lastModified: null,
    });
    expect(read.report.status).toBe("ok");
    expect(server.requests.map((r) => [r.range, r.ifMatch, r.status])).toEqual([
      ["bytes=0-262143", '"v1"', 206],
      [`bytes=${V1.size - 262144}-${V1.size - 1}`, '"v1"', 206],
    ]);
  });

  test("a store without suffix ranges (200 for bytes=-N): the body is dropped, the tail read explicitly", async () => {
    const server = serve({ suffixRanges: false });
    const read = await readObjectCheckpoint(storeOf(server), KEY, null);
    expect({ ...read.report, path: "PATH" }).toEqual(LOCAL_V1);
    expect(server.requests.map((r) => [r.range, r.ifMatch, r.status])).toEqual([
      ["bytes=0-262143", null, 206],
      ["bytes=-262144", null, 200],
      [`bytes=${V1.size - 262144}-${V1.size - 1}`, '"v1"', 206],
    ]);
    // The 200's body was cancelled after a few socket buffers, not 24 GB.
    expect(server.sentBytes()).toBeLessThan(64 * 1024 * 1024);
  });

  test("a store that ignores Range entirely: an error naming the object, no download", async () => {
    const server = serve({ ranges: false });
    const run = await runCliInProcess(["inspect", `s3://edge/${KEY}`], { cwd: "/", env: server.env });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      `s3://edge/${KEY}: the store answered 200 (the whole object) to a ranged read; ckpt reads checkpoints only with byte ranges`,
    );
    expect(server.sentBytes()).toBeLessThan(64 * 1024 * 1024);
  });

  test("an object replaced between reads is read again from the start, never mixed", async () => {
    const server = serve({ replaceAfter: 1 });
    const read = await readObjectCheckpoint(storeOf(server), KEY, null);
    expect({ ...read.report, path: "PATH" }).toEqual(LOCAL_V2);
    expect(read.identity?.etag).toBe('"v2"');
    const listed = serve({ replaceAfter: 0 });
    const pinned = await readObjectCheckpoint(storeOf(listed), KEY, {
      size: V1.size,
      etag: '"v1"',
      lastModified: null,
    });
    expect({ ...pinned.report, path: "PATH" }).toEqual(LOCAL_V2);
    expect(listed.requests.filter((r) => r.status === 412).length).toBeGreaterThan(0);
  });

  test("503 SlowDown is retried with backoff, then succeeds", async () => {
    const server = serve({ slowDowns: 2 });
    const read = await readObjectCheckpoint(storeOf(server), KEY, null);
    expect(read.report.status).toBe("ok");
    expect(server.requests.filter((r) => r.status === 503).length).toBe(2);
  });

  test("503 that does not stop, 404, 403 and an unreachable endpoint: messages naming the object and what to do", async () => {
    const throttled = serve({ slowDowns: 100 });
    const forbidden = serve({}, { "forbidden.ckpt": [V1] });
    const cases = [
      [
        throttled,
        KEY,
        "the store kept answering 503 SlowDown after several tries with backoff; wait a minute and run the command again",
      ],
      [
        serve(),
        "nope.ckpt",
        "no such object (404 NoSuchKey); check the key ('ckpt ls' of its prefix lists what is there)",
      ],
      [
        forbidden,
        "forbidden.ckpt",
        "access denied (403 AccessDenied); check that the keys from $AWS_ACCESS_KEY_ID may read it",
      ],
      [{ endpoint: "http://127.0.0.1:1" }, KEY, "cannot reach http://127.0.0.1:1 ("],
    ] as const;
    for (const [server, key, message] of cases) {
      const read = await readObjectCheckpoint(storeOf(server), key, null);
      expect(read.report.error?.message).toContain(`s3://edge/${key}: ${message}`);
      expect(read.identity).toBeNull();
    }
  });
});

test("scan --sidecars write into a bucket without write permission: catalog only, and it says so", async () => {
  const server = serve({}, { "exp/last.ckpt": [V1] });
  using dir = makeTempDir("s3-readonly");
  const catalog = join(dir.path, "catalog.db");
  const scan = await runCliInProcess(
    ["scan", "s3://edge/exp", "--sidecars", "write", "--json", "--catalog", catalog],
    {
      cwd: dir.path,
      env: server.env,
    },
  );
  expect(scan.exitCode).toBe(0);
  const summary = JSON.parse(scan.stdout);
  expect([summary.added, summary.sidecars_written, summary.sidecars_missing]).toEqual([1, 0, 1]);
  expect(scan.stderr).toBe(
    "ckpt: s3://edge/exp/last.metadata.yaml: sidecar not written (no permission to write it); the catalog keeps its metadata\n",
  );
});

describe("listing", () => {
  const objects = { "a.ckpt": [V1], "b.ckpt": [V1], "c.ckpt": [V1], "d.ckpt": [V1], "e.ckpt": [V1] };

  test("follows continuation tokens to the end", async () => {
    const listed = await listObjects(storeOf(serve({}, objects)), "");
    expect(listed.success && listed.data.map((object) => object.key)).toEqual(Object.keys(objects));
  });

  test("a truncated page without its token is an error, not a short list", async () => {
    const listed = await listObjects(storeOf(serve({ dropContinuationToken: true }, objects)), "");
    expect(listed.success ? "listed" : listed.error.message).toBe(
      "s3://edge/: the listing was cut short after 2 keys: the store said more follow but sent no continuation token; run the command again, or report it to the store's operator",
    );
  });
});
