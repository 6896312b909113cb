// `ckpt watch s3://…` on N hosts over the same prefixes (issue 19): S3 requests per minute with a local catalog per
// host (every host lists every prefix) against a shared PostgreSQL catalog (one poller per prefix, elected), and how
// long the prefixes stay unpolled when their poller is killed. Whole `ckpt watch` processes from source; fauxqs in
// this process behind a counting proxy on 127.0.0.1; PostgreSQL on a unix socket. Loopback only.
//   bun bench/s3-watch-election-bench.ts [--hosts 3] [--prefixes 4] [--objects 10] [--seconds 20] [--kills 3]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startFauxqs } from "fauxqs";
import { startPostgres } from "../test/helpers/postgres-server.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    hosts: { type: "string", default: "3" },
    prefixes: { type: "string", default: "4" },
    objects: { type: "string", default: "10" },
    seconds: { type: "string", default: "20" },
    kills: { type: "string", default: "3" },
  },
});
const HOSTS = Number(values.hosts);
const PREFIXES = Number(values.prefixes);
const SECONDS = Number(values.seconds);
const repo = resolve(import.meta.dir, "..");
const main = join(repo, "src/main.ts");
const work = mkdtempSync("/tmp/ckpt-s3-election-bench-");
const CHECKPOINT = readFileSync(join(repo, "test/fixtures/real/torch/tutorial_checkpoint.pt"));

const fauxqs = await startFauxqs({ port: 0, logger: false });
fauxqs.createBucket("bench");
const upstream = `http://127.0.0.1:${fauxqs.port}`;
const counts = { list: 0, get: 0, other: 0 };
const proxy = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: async (request) => {
    const url = new URL(request.url);
    if (url.searchParams.get("list-type") === "2") counts.list++;
    else if (request.method === "GET") counts.get++;
    else counts.other++;
    const body = request.method === "GET" || request.method === "HEAD" ? null : await request.arrayBuffer();
    return fetch(`${upstream}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body,
    });
  },
});
const client = new Bun.S3Client({
  accessKeyId: "bench",
  secretAccessKey: "bench",
  region: "us-east-1",
  endpoint: upstream,
  bucket: "bench",
});
const prefixes = Array.from({ length: PREFIXES }, (_, p) => `s3://bench/exp${p}`);
for (let p = 0; p < PREFIXES; p++)
  for (let o = 0; o < Number(values.objects); o++) await client.write(`exp${p}/run/e${o}.pt`, CHECKPOINT);
const postgres = await startPostgres();

type Host = { child: Bun.Subprocess; lines: string[] };
const allHosts: Host[] = [];

function startHost(index: number, catalog: string): Host {
  const home = join(work, `${catalog.startsWith("postgres") ? "pg" : "local"}-${index}-${Date.now()}`);
  const env = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: home,
    XDG_STATE_HOME: join(home, "state"),
    XDG_RUNTIME_DIR: join(home, "rt"),
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL: `http://127.0.0.1:${proxy.port}`,
    CKPT_HOST: `host-${index}`,
  };
  const argv = ["watch", ...prefixes, "--poll=1", "--log-format", "json"];
  if (catalog !== "") argv.push("--catalog", catalog);
  const child = Bun.spawn([process.execPath, main, ...argv], { env, stdout: "ignore", stderr: "pipe" });
  const host: Host = { child, lines: [] };
  allHosts.push(host);
  void (async () => {
    let pending = "";
    for await (const chunk of child.stderr) {
      pending += Buffer.from(chunk).toString("utf8");
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      host.lines.push(...parts);
    }
  })();
  return host;
}

async function until(
  check: () => boolean,
  what: string | (() => string),
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await Bun.sleep(10);
  }
}

const rounds = (host: Host) =>
  host.lines.filter((line) => /"msg":"(indexed|another host polls)/.test(line)).length;

/** Requests per minute once every host's prefixes had their first round, over `SECONDS`. */
async function steadyRate(hosts: Host[]): Promise<{ list: number; get: number }> {
  await until(
    () => hosts.every((host) => rounds(host) >= PREFIXES),
    () => `every host's first round (host 0 logged: ${hosts[0]?.lines.slice(-3).join(" | ")})`,
  );
  const before = { ...counts };
  await Bun.sleep(SECONDS * 1000);
  const perMinute = (n: number) => Math.round((n * 60) / SECONDS);
  return { list: perMinute(counts.list - before.list), get: perMinute(counts.get - before.get) };
}

async function stopAll(hosts: Host[]): Promise<void> {
  for (const host of hosts) host.child.kill("SIGTERM");
  await Promise.all(hosts.map((host) => host.child.exited));
}

async function measure(): Promise<void> {
  const localHosts = Array.from({ length: HOSTS }, (_, index) =>
    startHost(index, join(work, `local-${index}.db`)),
  );
  const local = await steadyRate(localHosts);
  await stopAll(localHosts);

  const url = await postgres.createDatabase("bench");
  const pgHosts = [startHost(0, url)];
  await until(() => rounds(pgHosts[0] as Host) >= PREFIXES, "the first host indexing every prefix");
  for (let index = 1; index < HOSTS; index++) pgHosts.push(startHost(index, url));
  const shared = await steadyRate(pgHosts);

  // Kill the host that polls every prefix; time until every prefix is polled again by the others.
  const takeovers: { ms: number; prefixes: number }[] = [];
  let leader = pgHosts[0] as Host;
  for (let kill = 0; kill < Number(values.kills) && pgHosts.length > 1; kill++) {
    const others = pgHosts.filter((host) => host !== leader);
    const tookOver = () =>
      others.flatMap((host) => host.lines).filter((l) => l.includes('"took over polling')).length;
    const count = (host: Host, text: string) => host.lines.filter((l) => l.includes(text)).length;
    // The prefixes the victim polls: those it led or took over, less those whose lease it lost.
    const held =
      count(leader, '"polling this prefix"') +
      count(leader, '"took over polling') -
      count(leader, '"lost the poller');
    const before = tookOver();
    const killedAt = performance.now();
    leader.child.kill("SIGKILL");
    await until(() => tookOver() - before >= held, "the victim's prefixes taken over");
    takeovers.push({ ms: performance.now() - killedAt, prefixes: held });
    pgHosts.splice(pgHosts.indexOf(leader), 1);
    // The next leader: the host that took over the most prefixes; restart the killed one as a waiting host.
    leader = others.reduce((a, b) =>
      a.lines.filter((l) => l.includes('"took over')).length >=
      b.lines.filter((l) => l.includes('"took over')).length
        ? a
        : b,
    );
    const restarted = startHost(HOSTS + kill, url);
    pgHosts.push(restarted);
    await until(
      () => restarted.lines.filter((l) => l.includes('"another host polls')).length >= PREFIXES,
      "the restarted host waiting",
    );
  }
  await stopAll(pgHosts);

  console.log(
    `${HOSTS} hosts × ${PREFIXES} prefixes × ${values.objects} objects, --poll=1, ${SECONDS} s steady state\n`,
  );
  console.log("| catalog | ListObjectsV2 per minute | GETs per minute |");
  console.log("|---|---:|---:|");
  console.log(`| local SQLite per host (every host lists every prefix) | ${local.list} | ${local.get} |`);
  console.log(`| shared PostgreSQL (one poller per prefix) | ${shared.list} | ${shared.get} |`);
  console.log(
    `\ntakeover after SIGKILL of a poller (until every prefix it polled is polled by another host): ${takeovers.map((t) => `${t.prefixes} prefixes in ${(t.ms / 1000).toFixed(2)} s`).join(", ")}`,
  );
}

try {
  await measure();
} finally {
  for (const host of allHosts) host.child.kill("SIGKILL");
  await Promise.all(allHosts.map((host) => host.child.exited));
  await postgres.stop();
  proxy.stop(true);
  await fauxqs.stop();
  rmSync(work, { recursive: true, force: true });
}
