// A checkpoint object's sidecar is judged as a sidecar file is, and a scan of objects counts sidecars as a scan
// of files does: the same layout on disk and in a bucket gives the same summary and the same warnings.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { runCliInProcess } from "../../helpers/run-cli-in-process.ts";
import { type S3TestServer, startS3TestServer, TEST_BUCKET } from "../../helpers/s3-test-server.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const RUN = "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints";
const INVALID_SIDECAR = "ckpt: [this is not\n";
/** Name → bytes: a checkpoint with an unparsable sidecar, one with an invalid one, one with none, a broken file. */
const LAYOUT: Record<string, Uint8Array | string> = {
  "with-bad-sidecar.ckpt": readFileSync(join(realFixtureRoot, RUN, "last.ckpt")),
  "with-bad-sidecar.metadata.yaml": INVALID_SIDECAR,
  "schema-invalid.ckpt": readFileSync(join(realFixtureRoot, RUN, "dbnet-epoch03-hmean0.9778.ckpt")),
  "schema-invalid.metadata.yaml": "schema_version: 99\n",
  "bare.ckpt": readFileSync(join(realFixtureRoot, RUN, "dbnet-epoch02-hmean0.9705.ckpt")),
  "truncated.ckpt": readFileSync(join(realFixtureRoot, "broken/truncated_half.ckpt")),
};
const PREFIX = "verdicts/checkpoints";

let server: S3TestServer;
const dir = makeTempDir("s3-sidecar-verdicts");
const disk = join(dir.path, PREFIX);

beforeAll(async () => {
  server = await startS3TestServer();
  mkdirSync(disk, { recursive: true });
  for (const [name, bytes] of Object.entries(LAYOUT)) {
    await server.put(`${PREFIX}/${name}`, bytes);
    writeFileSync(join(disk, name), bytes);
  }
});
afterAll(async () => {
  await server.stop();
  dir[Symbol.dispose]();
});

async function scan(root: string, sidecars: string) {
  const catalog = join(dir.path, `${sidecars}-${root.startsWith("s3://") ? "s3" : "disk"}.db`);
  const args = ["scan", root, "--sidecars", sidecars, "--json", "--catalog", catalog];
  const result = await runCliInProcess(args, { cwd: dir.path, env: server.env });
  const summary = JSON.parse(result.stdout);
  return {
    counts: [summary.added, summary.failed, summary.sidecars_written, summary.sidecars_missing],
    warnings: result.stderr
      .split("\n")
      .filter((line) => line.includes(".metadata.yaml:"))
      .sort(),
  };
}

describe("an object's sidecar and a file's, judged by one rule", () => {
  test("an invalid sidecar is kept and reported; a missing one counted only for a checkpoint read whole", async () => {
    const onDisk = await scan(disk, "read");
    const inBucket = await scan(`s3://${TEST_BUCKET}/${PREFIX}`, "read");
    // Four rows (the truncated file is one too); bare.ckpt alone lacks a sidecar it could have.
    expect(onDisk.counts).toEqual([4, 0, 0, 1]);
    expect(inBucket.counts).toEqual(onDisk.counts);
    const warnings = (where: string) => [
      expect.stringContaining(
        `${where}/schema-invalid.metadata.yaml: schema_version: unsupported schema_version 99`,
      ),
      expect.stringContaining(`${where}/with-bad-sidecar.metadata.yaml:2:1: YAML syntax error`),
    ];
    expect(onDisk.warnings).toEqual(warnings(disk));
    expect(inBucket.warnings).toEqual(warnings(`s3://${TEST_BUCKET}/${PREFIX}`));
    expect(inBucket.warnings[0]).toEndWith("; kept as is, the catalog uses the checkpoint instead");
  });

  test("with --sidecars off no sidecar counts as missing, in a bucket as on disk", async () => {
    const onDisk = await scan(disk, "off");
    const inBucket = await scan(`s3://${TEST_BUCKET}/${PREFIX}`, "off");
    expect(onDisk.counts).toEqual([4, 0, 0, 0]);
    expect(inBucket.counts).toEqual(onDisk.counts);
  });
});
