import { describe, expect, test } from "bun:test";
import { parseIni } from "../../../src/core/object-store/ini-file.ts";
import { resolveS3Settings, type S3SettingsInput } from "../../../src/core/object-store/s3-settings.ts";
import { parseS3Url } from "../../../src/core/object-store/s3-url.ts";

const CREDENTIALS = `# written by aws configure
[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = secret-default ; inline comment

[dev]
aws_access_key_id=AKIADEV
aws_secret_access_key=secret-dev
aws_session_token=token-dev

[half]
aws_access_key_id = AKIAHALF

[spaced]
aws_access_key_id = AKIASPACED
aws_secret_access_key = secret-spaced
`;

const CONFIG = `[default]
region = eu-west-1
[profile dev]
region = us-west-2
s3 =
  endpoint_url = http://127.0.0.1:9000
  addressing_style = path
[profile sso]
sso_session = corp
[profile   spaced  ]
endpoint_url = https://r2.example
`;

function input(overrides: Partial<S3SettingsInput> = {}): S3SettingsInput {
  return {
    env: {},
    credentialsFile: { path: "/h/.aws/credentials", text: CREDENTIALS },
    configFile: { path: "/h/.aws/config", text: CONFIG },
    ...overrides,
  };
}

describe("parseIni", () => {
  test("sections, comments, nested s3 block, later key wins", () => {
    const file = parseIni("\uFEFF[a]\nk = 1\n; c\nk = 2\ns3 =\n  endpoint_url = x # note\nafter = 3\n[b]\n");
    expect([...file.entries()].map(([name, section]) => [name, Object.fromEntries(section)])).toEqual([
      ["a", { k: "2", s3: "", "s3.endpoint_url": "x", after: "3" }],
      ["b", {}],
    ]);
  });
});

describe("resolveS3Settings", () => {
  test("default profile from the files, with the source of every value", () => {
    const result = resolveS3Settings(input());
    expect(result).toEqual({
      success: true,
      data: {
        accessKeyId: "AKIADEFAULT",
        secretAccessKey: "secret-default",
        sessionToken: null,
        region: "eu-west-1",
        endpoint: null,
        sources: {
          credentials: "profile 'default' in /h/.aws/credentials",
          region: "profile 'default' in /h/.aws/config",
          endpoint: "AWS (no endpoint set)",
        },
      },
    });
  });

  test("environment keys beat AWS_PROFILE; --profile beats environment keys", () => {
    const env = {
      AWS_PROFILE: "dev",
      AWS_ACCESS_KEY_ID: "AKIAENV",
      AWS_SECRET_ACCESS_KEY: "s",
      AWS_REGION: "ap-south-1",
    };
    const viaEnv = resolveS3Settings(input({ env }));
    expect(viaEnv.success && [viaEnv.data.accessKeyId, viaEnv.data.region, viaEnv.data.endpoint]).toEqual([
      "AKIAENV",
      "ap-south-1",
      "http://127.0.0.1:9000",
    ]);
    const viaFlag = resolveS3Settings(input({ env, profileFlag: "dev" }));
    expect(viaFlag.success && [viaFlag.data.accessKeyId, viaFlag.data.sessionToken]).toEqual([
      "AKIADEV",
      "token-dev",
    ]);
  });

  test("endpoint: --endpoint, then AWS_ENDPOINT_URL, then S3_ENDPOINT, then the profile", () => {
    const env = { AWS_ENDPOINT_URL: "http://a:1", S3_ENDPOINT: "http://b:2", AWS_PROFILE: "spaced" };
    const cases = [
      [{ env, endpointFlag: "http://flag:3" }, "http://flag:3", "--endpoint"],
      [{ env }, "http://a:1", "$AWS_ENDPOINT_URL"],
      [{ env: { S3_ENDPOINT: "http://b:2" } }, "http://b:2", "$S3_ENDPOINT"],
      [{ env: { AWS_PROFILE: "spaced" } }, "https://r2.example", "profile 'spaced' in /h/.aws/config"],
    ] as const;
    for (const [overrides, endpoint, source] of cases) {
      const result = resolveS3Settings(input(overrides));
      expect(result.success && [result.data.endpoint, result.data.sources.endpoint]).toEqual([
        endpoint,
        source,
      ]);
    }
  });

  test("S3_* keys when no AWS_* keys; an error naming where to put keys when none anywhere", () => {
    const s3 = resolveS3Settings(input({ env: { S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" } }));
    expect(s3.success && s3.data.sources.credentials).toBe("$S3_ACCESS_KEY_ID");
    const none = resolveS3Settings({
      env: {},
      credentialsFile: { path: "/c", text: null },
      configFile: { path: "/f", text: null },
    });
    expect(none).toEqual({
      success: false,
      error:
        "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile 'default' to /c (or pass --profile NAME)",
    });
    const region = resolveS3Settings(
      input({
        credentialsFile: { path: "/c", text: "[default]\naws_access_key_id=a\naws_secret_access_key=b" },
        configFile: { path: "/f", text: null },
      }),
    );
    expect(region.success && [region.data.region, region.data.sources.region]).toEqual([
      "us-east-1",
      "the default",
    ]);
  });

  test("errors name the profile, the file and what to do", () => {
    expect(resolveS3Settings(input({ profileFlag: "dve" }))).toEqual({
      success: false,
      error:
        "--profile names profile 'dve', which is not in /h/.aws/credentials or /h/.aws/config. Did you mean 'dev'?",
    });
    expect(resolveS3Settings(input({ profileFlag: "half" }))).toEqual({
      success: false,
      error:
        "/h/.aws/credentials: profile 'half' has only one of aws_access_key_id and aws_secret_access_key; add the other",
    });
    const sso = resolveS3Settings(input({ env: { AWS_PROFILE: "sso" } }));
    expect(sso.success ? "" : sso.error).toContain("aws configure export-credentials --profile sso");
    const badEndpoint = resolveS3Settings(input({ endpointFlag: "minio:9000" }));
    expect(badEndpoint.success ? "" : badEndpoint.error).toContain(
      "'minio:9000' (from --endpoint) is not an http://",
    );
  });
});

test("parseS3Url", () => {
  expect(parseS3Url("s3://bucket/a/b.ckpt")).toEqual({
    success: true,
    data: { bucket: "bucket", key: "a/b.ckpt" },
  });
  expect(parseS3Url("s3://bucket")).toEqual({ success: true, data: { bucket: "bucket", key: "" } });
  expect(parseS3Url("s3:///x").success).toBe(false);
});
