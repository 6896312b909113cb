import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

test("no keys anywhere: exit 2 naming the variables and the file to set", async () => {
  const run = await runCliInProcess(["inspect", "s3://bucket/a.ckpt"], {
    cwd: "/",
    env: { HOME: "/nonexistent" },
  });
  expect(run).toEqual({
    exitCode: 2,
    stdout: "",
    stderr:
      "ckpt: S3: no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile 'default' to /nonexistent/.aws/credentials (or pass --profile NAME)\n",
  });
});

test("a mistyped --profile: exit 2 with the nearest profile of ~/.aws/credentials and ~/.aws/config", async () => {
  using home = makeTempDir("aws-home");
  const credentials = join(home.path, "credentials");
  const config = join(home.path, "config");
  writeFileSync(credentials, "[training]\naws_access_key_id = a\naws_secret_access_key = b\n");
  writeFileSync(config, "[profile staging]\nregion = eu-west-1\n");
  const env = { HOME: home.path, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: config };
  const run = await runCliInProcess(["ls", "s3://bucket/exp", "--profile", "trainig"], { cwd: "/", env });
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toBe(
    `ckpt: S3: --profile names profile 'trainig', which is not in ${credentials} or ${config}. Did you mean 'training'?\n`,
  );
});

test("a malformed s3:// root is a usage error that shows the expected form", async () => {
  const run = await runCliInProcess(["ls", "s3://x/exp"], { cwd: "/", env: { HOME: "/nonexistent" } });
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain("'x' is not a bucket name; write s3://BUCKET/KEY");
});
