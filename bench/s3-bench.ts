// S3 benchmarks (issue 19): requests and bytes per checkpoint for the real fixtures uploaded to an S3-compatible
// server (fauxqs, in this process) and for multi-GB sparse checkpoints (served by the loopback fake, which needs no
// memory for them); then a cold scan of an S3 prefix of N checkpoints against the same scan of the tree on local
// disk, both as whole `ckpt` processes from source (median of --repeat). Loopback only.
//   bun bench/s3-bench.ts [--count 10000] [--repeat 3] [--dir /tmp]      (--count 0: the per-checkpoint table only)
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startFauxqs } from "fauxqs";
import type { S3Settings } from "../src/core/object-store/s3-settings.ts";
import { readObjectCheckpoint } from "../src/io/object-store/read-object-checkpoint.ts";
import { S3Store } from "../src/io/object-store/s3-store.ts";
import { listRealFixtures } from "../test/helpers/real-fixtures.ts";
import { startEdgeServer } from "../test/helpers/s3-edge-server.ts";
import { bigLightningPlan, versionOfPlan } from "../test/helpers/sparse-object.ts";
import { makeTree } from "./make-tree.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    count: { type: "string", default: "10000" },
    repeat: { type: "string", default: "3" },
    dir: { type: "string", default: "/tmp" },
  },
});
const repo = resolve(import.meta.dir, "..");
const main = join(repo, "src/main.ts");
const work = mkdtempSync(join(values.dir, "ckpt-s3-bench-"));
const KEYS = { AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench", AWS_REGION: "us-east-1" };

function benchBucket(endpoint: string): Bun.S3Client {
  return new Bun.S3Client({
    accessKeyId: "bench",
    secretAccessKey: "bench",
    region: "us-east-1",
    endpoint,
    bucket: "bench",
  });
}

function settingsFor(endpoint: string): S3Settings {
  const sources = { credentials: "bench", region: "bench", endpoint: "bench" };
  return {
    accessKeyId: "bench",
    secretAccessKey: "bench",
    sessionToken: null,
    region: "us-east-1",
    endpoint,
    sources,
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

async function perCheckpoint(endpoint: string): Promise<void> {
  const fauxqs = benchBucket(endpoint);
  console.log("## requests and bytes per checkpoint (`inspect s3://…`: no listing, size and ETag unknown)\n");
  console.log("| checkpoint | size | requests | bytes transferred | reader's bytes | status |");
  console.log("|---|---:|---:|---:|---:|---|");
  for (const fixture of await listRealFixtures()) {
    const bytes = readFileSync(fixture.path);
    if (bytes.length === 0) continue;
    await fauxqs.write(`real/${fixture.name}`, bytes);
    const store = new S3Store({ settings: settingsFor(endpoint), bucket: "bench" });
    const read = await readObjectCheckpoint(store, `real/${fixture.name}`, null);
    const { requests, bytes: moved } = store.counters;
    console.log(
      `| ${fixture.name} | ${bytes.length} | ${requests} | ${moved} | ${read.report.bytes_read} | ${read.report.status} |`,
    );
  }
  const edgeObjects = {
    // 8,000 tensors: a 600 KB zip directory and a 1.3 MB data.pkl, more than the first round fetches.
    "lightning-32gb-8000-tensors.ckpt": [
      versionOfPlan(bigLightningPlan({ tensors: 8000, numelEach: 1_000_000, epoch: 3 }), '"c"'),
    ],
    "lightning-27gb.ckpt": [
      versionOfPlan(bigLightningPlan({ tensors: 291, numelEach: 23_000_000, epoch: 3 }), '"a"'),
    ],
    "lightning-157gb-2000-tensors.ckpt": [
      versionOfPlan(bigLightningPlan({ tensors: 2000, numelEach: 19_600_000, epoch: 3 }), '"b"'),
    ],
  };
  const edge = startEdgeServer(edgeObjects);
  try {
    for (const [key, [version]] of Object.entries(edgeObjects)) {
      const store = new S3Store({ settings: settingsFor(edge.endpoint), bucket: "edge" });
      const read = await readObjectCheckpoint(store, key, null);
      const { requests, bytes } = store.counters;
      console.log(
        `| ${key} (sparse, loopback fake) | ${version?.size} | ${requests} | ${bytes} (${kib(bytes)}) | ${read.report.bytes_read} | ${read.report.status} |`,
      );
    }
  } finally {
    edge.stop();
  }
}

async function timed(command: string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child = Bun.spawn(command, { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  if (code !== 0 && code !== 1) throw new Error(`${command.join(" ")} exited ${code}:\n${stderr}`);
  return (performance.now() - started) / 1000;
}

function median(times: number[]): number {
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;
}

async function scanComparison(endpoint: string, count: number, repeat: number): Promise<void> {
  const root = join(work, "tree");
  const paths = makeTree({ root, runs: Math.max(1, Math.round(count / 100)), perRun: Math.min(100, count) });
  const fauxqs = benchBucket(endpoint);
  for (let index = 0; index < paths.length; index += 64)
    await Promise.all(
      paths
        .slice(index, index + 64)
        .map((path) => fauxqs.write(`tree/${relative(root, path)}`, Bun.file(path))),
    );
  const catalog = join(work, "catalog.db");
  const fresh = () => {
    for (const suffix of ["", "-wal", "-shm", ".roots"]) rmSync(`${catalog}${suffix}`, { force: true });
  };
  const env = { ...KEYS, AWS_ENDPOINT_URL: endpoint, HOME: work };
  const scan = (target: string) => [
    process.execPath,
    main,
    "scan",
    target,
    "--sidecars",
    "read",
    "--catalog",
    catalog,
    "--json",
  ];
  const cold: number[] = [];
  const warm: number[] = [];
  const disk: number[] = [];
  for (let run = 0; run < repeat; run++) {
    fresh();
    cold.push(await timed(scan("s3://bench/tree"), env));
    warm.push(await timed(scan("s3://bench/tree"), env));
    fresh();
    disk.push(await timed(scan(root), env));
  }
  const [s3, s3Warm, local] = [cold, warm, disk].map(median) as [number, number, number];
  console.log(`\n## cold scan of ${paths.length} checkpoints, whole process, median of ${repeat}\n`);
  console.log("| scan | seconds | vs local disk |");
  console.log("|---|---:|---:|");
  console.log(
    `| local disk (\`scan TREE --sidecars read\`, reads run files too) | ${local.toFixed(2)} | 1.00× |`,
  );
  console.log(
    `| S3 prefix on fauxqs (\`scan s3://bench/tree --sidecars read\`) | ${s3.toFixed(2)} | ${(s3 / local).toFixed(2)}× |`,
  );
  console.log(
    `| S3 prefix, rescan with nothing changed (listing only) | ${s3Warm.toFixed(2)} | ${(s3Warm / local).toFixed(2)}× |`,
  );
}

const server = await startFauxqs({ port: 0, logger: false });
try {
  server.createBucket("bench");
  const endpoint = `http://127.0.0.1:${server.port}`;
  await perCheckpoint(endpoint);
  if (Number(values.count) > 0) await scanComparison(endpoint, Number(values.count), Number(values.repeat));
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
