import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { type S3TestServer, startS3TestServer, TEST_BUCKET } from "../helpers/s3-test-server.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const CHECKPOINT = readFileSync(join(realFixtureRoot, "torch/tutorial_checkpoint.pt"));
const mainScript = join(import.meta.dir, "..", "..", "src/main.ts");
let server: S3TestServer;
beforeAll(async () => {
  server = await startS3TestServer();
});
afterAll(() => server.stop());

function catalogPaths(catalog: string): string[] {
  if (!existsSync(catalog)) return [];
  const database = new Database(catalog, { readonly: true });
  try {
    return database
      .query<{ path: string }, []>("SELECT path FROM checkpoints ORDER BY path")
      .all()
      .map((row) => row.path);
  } catch {
    return [];
  } finally {
    database.close();
  }
}

test("watch s3://prefix indexes objects as they appear and drops them when deleted; SIGTERM stops it", async () => {
  using dir = makeTempDir("s3-watch");
  const catalog = join(dir.path, "catalog.db");
  await server.put("watched/a.pt", CHECKPOINT);
  const child = Bun.spawn(
    [
      process.execPath,
      mainScript,
      "watch",
      `s3://${TEST_BUCKET}/watched`,
      "--catalog",
      catalog,
      "--poll=0.2",
      "--log-format",
      "json",
    ],
    { env: { ...server.env, PATH: process.env["PATH"] ?? "/usr/bin:/bin" }, stdout: "pipe", stderr: "pipe" },
  );
  const stderr = new Response(child.stderr).text();
  try {
    const a = `s3://${TEST_BUCKET}/watched/a.pt`;
    const b = `s3://${TEST_BUCKET}/watched/b.pt`;
    await waitFor(() => catalogPaths(catalog).includes(a), {
      what: "the object present at start",
      timeoutMs: 30_000,
    });
    await server.put("watched/b.pt", CHECKPOINT);
    await server.put("watched/c.pt.tmp", CHECKPOINT);
    await waitFor(() => catalogPaths(catalog).includes(b), {
      what: "an object uploaded later",
      timeoutMs: 30_000,
    });
    await server.client.delete("watched/a.pt");
    await waitFor(() => !catalogPaths(catalog).includes(a), {
      what: "the deleted object's row gone",
      timeoutMs: 30_000,
    });
    expect(catalogPaths(catalog)).toEqual([b]);
  } finally {
    child.kill("SIGTERM");
  }
  expect(await child.exited).toBe(0);
  const lines = (await stderr)
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines[0]?.["msg"]).toBe("watching");
  expect(
    lines.filter((line) => line["msg"] === "indexed").map((line) => [line["added"], line["removed"]]),
  ).toEqual([
    [1, 0],
    [1, 0],
    [0, 1],
  ]);
  expect(lines.at(-2)).toMatchObject({ msg: "stopping", reason: "SIGTERM" });
  expect(lines.at(-1)).toMatchObject({ msg: "stopped" });
});
