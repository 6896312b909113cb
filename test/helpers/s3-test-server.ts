// Test-only: an S3-compatible server in this process (fauxqs), reached on 127.0.0.1 only.
import { startFauxqs } from "fauxqs";

export type S3TestServer = {
  readonly endpoint: string;
  /** The environment a ckpt command needs to reach it: keys, region and endpoint, and no ~/.aws of the host. */
  readonly env: Record<string, string>;
  readonly client: Bun.S3Client;
  put(key: string, bytes: Uint8Array | string): Promise<void>;
  stop(): Promise<void>;
};

export const TEST_BUCKET = "ckpts";

/** Starts fauxqs on an ephemeral port with one bucket; `await using` stops it. */
export async function startS3TestServer(): Promise<S3TestServer & AsyncDisposable> {
  const server = await startFauxqs({ port: 0, logger: false });
  server.createBucket(TEST_BUCKET);
  const endpoint = `http://127.0.0.1:${server.port}`;
  const keys = { accessKeyId: "test-key", secretAccessKey: "test-secret", region: "us-east-1" };
  const client = new Bun.S3Client({ ...keys, endpoint, bucket: TEST_BUCKET });
  const stop = () => server.stop();
  return {
    endpoint,
    env: {
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_REGION: keys.region,
      AWS_ENDPOINT_URL: endpoint,
      HOME: "/nonexistent",
    },
    client,
    put: async (key, bytes) => void (await client.write(key, bytes)),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
