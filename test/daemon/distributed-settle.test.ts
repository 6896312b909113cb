import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requestControl } from "../../src/daemon/control-socket.ts";
import { startEmbeddedWatcher } from "../../src/daemon/embedded-watcher.ts";
import { withCatalog } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

// The daemon (real chokidar, real temp dir, real SQLite) must not index a multi-file checkpoint before its writer's
// signal: a DCP dir before `.metadata` is renamed into place, a DeepSpeed tag before `latest` names it.
const fixtures = join(import.meta.dir, "..", "fixtures", "distributed");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Row = { path: string; status: string };

async function watching() {
  const dir = makeTempDir("distributed-settle");
  cleanups.push(() => dir[Symbol.dispose]());
  const runs = join(dir.path, "runs");
  mkdirSync(runs);
  const catalog = join(dir.path, "catalog.db");
  const runtimeDir = join(dir.path, "rt");
  const socketPath = join(runtimeDir, "daemon.sock");
  const events: string[] = [];
  const watcher = await startEmbeddedWatcher([runs], catalog, {
    sidecars: "write",
    onEvent: (line) => events.push(line),
    control: { paths: { runtimeDir, socketPath }, uid: process.getuid?.() ?? 0, owner: "test" },
  });
  cleanups.push(() => watcher.stop());
  const rows = (): Row[] =>
    withCatalog(catalog, (db) =>
      db.query<Row, []>("SELECT path, status FROM checkpoints ORDER BY path").all(),
    ) ?? [];
  const incomplete = async () => {
    const status = await requestControl({ socketPath, request: "status" });
    return status.success ? (status.data as { queue: { incomplete: number } }).queue.incomplete : 0;
  };
  return { runs, events, rows, incomplete };
}

/** A row may say a checkpoint is being written; none may say it is whole before the signal. */
function completeRows(rows: readonly Row[]): Row[] {
  return rows.filter((row) => row.status !== "incomplete");
}

function sidecarsUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((name) =>
    name.endsWith(".metadata.yaml"),
  );
}

/** Waits until the daemon has looked at `name` and found it still being written. */
async function seenIncomplete(env: Awaited<ReturnType<typeof watching>>, name: string): Promise<void> {
  await waitFor(() => env.events.includes(`checkpoint being written ${name}`), {
    what: `${name} seen being written`,
  });
  const deadline = Date.now() + 20_000;
  while ((await env.incomplete()) < 1)
    if (Date.now() > deadline) throw new Error(`${name} never judged incomplete`);
}

describe("the daemon settles multi-file checkpoints by their writers' signals", () => {
  test("a DCP dir written shard by shard is indexed only once .metadata is renamed into place", async () => {
    const env = await watching();
    const source = join(fixtures, "dcp", "gloo_ws2");
    const target = join(env.runs, "dcp", "step-50");
    mkdirSync(target, { recursive: true });
    const shards = readdirSync(source)
      .filter((name) => name.endsWith(".distcp"))
      .sort();
    for (const shard of shards) {
      copyFileSync(join(source, shard), join(target, shard));
      expect(completeRows(env.rows())).toEqual([]);
    }
    await seenIncomplete(env, "step-50");
    // FileSystemWriter.finish: write .metadata.tmp, then rename it.
    copyFileSync(join(source, ".metadata"), join(target, ".metadata.tmp"));
    await seenIncomplete(env, "step-50");
    expect({ rows: completeRows(env.rows()), sidecars: sidecarsUnder(env.runs) }).toEqual({
      rows: [],
      sidecars: [],
    });
    renameSync(join(target, ".metadata.tmp"), join(target, ".metadata"));
    await waitFor(() => completeRows(env.rows()).length === 1, { what: "the DCP dir indexed" });
    expect(env.rows()).toEqual([{ path: target, status: "ok" }]);
    await waitFor(() => existsSync(join(target, "ckpt.metadata.yaml")), { what: "its sidecar" });
    expect(sidecarsUnder(env.runs)).toEqual([join("dcp", "step-50", "ckpt.metadata.yaml")]);
  });

  test("a DeepSpeed tag is indexed only once `latest` names it, never its rank files one by one", async () => {
    const env = await watching();
    const source = join(fixtures, "deepspeed", "zero2_fp32_dp2", "global_step2");
    const save = join(env.runs, "ds");
    const tag = join(save, "global_step2");
    mkdirSync(tag, { recursive: true });
    for (const file of readdirSync(source)
      .filter((name) => name.endsWith(".pt"))
      .sort())
      copyFileSync(join(source, file), join(tag, file));
    await seenIncomplete(env, "global_step2");
    expect({ rows: completeRows(env.rows()), sidecars: sidecarsUnder(env.runs) }).toEqual({
      rows: [],
      sidecars: [],
    });
    writeFileSync(join(save, "latest"), "global_step2");
    await waitFor(() => completeRows(env.rows()).length === 1, { what: "the tag indexed after `latest`" });
    expect(env.rows()).toEqual([{ path: tag, status: "ok" }]);
    await waitFor(() => existsSync(join(tag, "ckpt.metadata.yaml")), { what: "its sidecar" });
    expect(sidecarsUnder(env.runs)).toEqual([join("ds", "global_step2", "ckpt.metadata.yaml")]);
  });
});
