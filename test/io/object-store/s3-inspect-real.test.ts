import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { listRealFixtures, type RealFixture, realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { runCliInProcess } from "../../helpers/run-cli-in-process.ts";
import { type S3TestServer, startS3TestServer, TEST_BUCKET } from "../../helpers/s3-test-server.ts";

let server: S3TestServer;
let fixtures: RealFixture[];

// fauxqs takes a single PUT of at most ~11 MiB; the real fixtures are all smaller.
beforeAll(async () => {
  server = await startS3TestServer();
  fixtures = (await listRealFixtures()).filter((fixture) => !fixture.path.endsWith("/"));
  for (const fixture of fixtures) {
    const bytes = readFileSync(fixture.path);
    if (bytes.length > 0) await server.put(`real/${fixture.name}`, bytes);
  }
});
afterAll(() => server.stop());

describe("ckpt inspect s3://", () => {
  test("every real fixture reads the same from S3 as from disk, in text and JSON", async () => {
    expect(fixtures.length).toBeGreaterThan(10);
    for (const fixture of fixtures) {
      if (readFileSync(fixture.path).length === 0) continue;
      const url = `s3://${TEST_BUCKET}/real/${fixture.name}`;
      for (const json of [false, true]) {
        const flags = json ? ["--json"] : [];
        const local = await runCliInProcess(["inspect", fixture.path, ...flags], { cwd: realFixtureRoot });
        const remote = await runCliInProcess(["inspect", url, ...flags], { cwd: "/", env: server.env });
        expect({
          name: fixture.name,
          out: remote.stdout.replaceAll(url, "PATH"),
          code: remote.exitCode,
        }).toEqual({
          name: fixture.name,
          out: local.stdout.replaceAll(fixture.path, "PATH"),
          code: local.exitCode,
        });
      }
    }
  }, 120_000);
});

describe("ckpt inspect s3://…/checkpoint-N/ (several objects)", () => {
  const dir = join(
    import.meta.dir,
    "..",
    "..",
    "fixtures",
    "runs",
    "hf-trainer",
    "trainer_run",
    "checkpoint-8",
  );

  test("an HF checkpoint directory reads the same from S3 as from disk, with or without the trailing slash", async () => {
    for (const name of readdirSync(dir))
      await server.put(`hf/checkpoint-8/${name}`, readFileSync(join(dir, name)));
    const local = await runCliInProcess(["inspect", dir, "--json"], { cwd: "/" });
    expect(JSON.parse(local.stdout)).toMatchObject({ status: "ok", framework: "hf-trainer" });
    for (const url of [`s3://${TEST_BUCKET}/hf/checkpoint-8/`, `s3://${TEST_BUCKET}/hf/checkpoint-8`]) {
      for (const flags of [[], ["--json"]]) {
        const remote = await runCliInProcess(["inspect", url, ...flags], { cwd: "/", env: server.env });
        const expected = await runCliInProcess(["inspect", dir, ...flags], { cwd: "/" });
        const shown = remote.stdout.replaceAll(url.replace(/\/$/, ""), "PATH").replaceAll(url, "PATH");
        expect({ out: shown, code: remote.exitCode }).toEqual({
          out: expected.stdout.replaceAll(dir, "PATH"),
          code: expected.exitCode,
        });
      }
    }
  });
});
