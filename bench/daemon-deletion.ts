// The mass deletion case of the daemon bench: `rm -rf` of every run under a watched root (200k checkpoints).
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { requestControl } from "../src/daemon/control-socket.ts";
import { MAIN, startDaemon } from "./daemon-child.ts";
import { makeTree } from "./make-tree.ts";

export type DeletionOptions = {
  /** The daemon's HOME (its socket and state). */
  readonly base: string;
  /** Where the tree and its pristine copy are built once. */
  readonly treeDir: string;
  readonly runs: number;
  readonly perRun: number;
  /** Longest wait for half of the rows to go before SIGTERM. */
  readonly windowSeconds: number;
  readonly watcher: string;
};

/**
 * How long the daemon takes to answer `ckpt status` over its socket, asked every 200 ms until `over()`: whether
 * its event loop stays free while it works through the burst (a request not answered in 10 s counts as 10 s).
 */
async function statusAnswers(home: string, over: () => boolean): Promise<number[]> {
  const dir = join(home, "rt", "ckpt");
  const socketPath = join(dir, readdirSync(dir).find((name) => name.endsWith(".sock")) ?? "daemon.sock");
  const answers: number[] = [];
  while (!over()) {
    const asked = performance.now();
    await requestControl({ socketPath, request: "status", timeoutMs: 10_000 });
    answers.push(performance.now() - asked);
    await Bun.sleep(200);
  }
  return answers;
}

/**
 * The deletion tree and its catalog. Built once under `dir` with a hard-linked pristine copy beside it, so each
 * run starts from the same tree and catalog without writing 200k sidecars again.
 */
function deletionTree(dir: string, runs: number, perRun: number) {
  const root = join(dir, "deletion");
  const catalog = join(dir, "deletion.db");
  const pristine = join(dir, "deletion-pristine");
  if (!existsSync(pristine)) {
    makeTree({ root, runs, perRun });
    Bun.spawnSync([process.execPath, MAIN, "scan", root, "--catalog", catalog], { stdout: "ignore" });
    Bun.spawnSync(["cp", "-al", root, pristine]);
    Bun.spawnSync(["cp", catalog, `${pristine}.db`]);
  }
  rmSync(root, { recursive: true, force: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${catalog}${suffix}`, { force: true });
  Bun.spawnSync(["cp", "-al", pristine, root]);
  Bun.spawnSync(["cp", `${pristine}.db`, catalog]);
  return { root, catalog };
}

export const STOP_CAP_MS = 120_000;

/** `rm -rf` of every run under a watched root: rows dropped per second until half are gone, then SIGTERM. */
export async function measureDeletion(options: DeletionOptions) {
  const { base, watcher } = options;
  mkdirSync(options.treeDir, { recursive: true });
  const { root, catalog } = deletionTree(options.treeDir, options.runs, options.perRun);
  const daemon = startDaemon({ home: base, root, catalog, watcher });
  await daemon.waitForLog('"reason":"start"');
  const reader = new Database(catalog, { readonly: true });
  const rows = () => reader.query<{ n: number }, []>("SELECT count(*) AS n FROM checkpoints").get()?.n ?? 0;
  const total = rows();
  const removal = Bun.spawn(["sh", "-c", 'rm -rf -- "$1"/*', "rm", root]);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let rmSeconds = Number.NaN;
  void removal.exited.then(() => {
    rmSeconds = elapsed();
  });
  const burstOver = () => rows() <= total / 2 || elapsed() >= options.windowSeconds;
  const answers = statusAnswers(base, burstOver);
  while (!burstOver()) await Bun.sleep(100);
  const seconds = elapsed();
  const status = (await answers).sort((a, b) => a - b);
  const removed = total - rows();
  const stopAt = performance.now();
  daemon.child.kill("SIGTERM");
  // The old daemon finished the whole burst first (hours at 200k): give up on it after a while.
  const exited = await Promise.race([daemon.child.exited.then(() => true), Bun.sleep(STOP_CAP_MS)]);
  const stopMs = exited === true ? performance.now() - stopAt : Number.POSITIVE_INFINITY;
  if (exited !== true) daemon.child.kill("SIGKILL");
  await daemon.child.exited;
  await removal.exited;
  // What the stop left is the next start's catch-up.
  const again = startDaemon({ home: base, root, catalog, watcher });
  const restarted = performance.now();
  await again.waitForLog('"reason":"start"');
  const catchUpSeconds = (performance.now() - restarted) / 1000;
  const left = rows();
  reader.close();
  again.child.kill("SIGTERM");
  await again.child.exited;
  return { total, removed, seconds, status, stopMs, rmSeconds, catchUpSeconds, left };
}
