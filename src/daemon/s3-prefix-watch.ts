import type { Database } from "bun:sqlite";
import { fail, ok, type Result } from "../core/result.ts";
import { openCatalogForWriting } from "../io/catalog/catalog-db.ts";
import { type LockBusy, tryLockCatalog } from "../io/catalog/catalog-lock.ts";
import type { ScanSummary } from "../io/scan/scan-summary.ts";
import { createDaemonJournal } from "./daemon-journal.ts";
import type { DaemonStatus } from "./daemon-status.ts";
import { type PrefixPoller, startPrefixPoller } from "./s3-prefix-poller.ts";
import type { S3WatchOptions, S3WatchRun } from "./s3-watch-run.ts";
import { buildS3WatchStatus } from "./s3-watch-status.ts";

/** `ckpt watch s3://…` running: what its control socket and the TUI ask of it. */
export type S3PrefixWatch = {
  status(): DaemonStatus;
  /** Settles when every prefix of the command line had its first round: listed, or found polled by another host. */
  readonly firstRounds: Promise<void>;
  /** Polls another prefix; answers with its first listing (null when another host polls it). */
  addRoot(root: string): Promise<Result<ScanSummary | null, string>>;
  /** Stops polling a prefix; its rows stay in the catalog. */
  removeRoot(root: string): Promise<Result<string, string>>;
  /** Lists every prefix now; says what it did. */
  listNow(): Promise<string>;
  /** Writes through the watch's own catalog connection (it holds the lock). */
  withCatalog<T>(work: (database: Database) => T): T;
  stop(): Promise<void>;
};

function startPoller(run: S3WatchRun, root: string): PrefixPoller {
  const { options } = run;
  const poller = startPrefixPoller({
    root,
    database: run.database,
    session: options.session,
    sidecars: options.sidecars,
    journal: run.journal,
    now: options.now,
    activeMs: options.activeMs,
    idleMs: Math.max(options.activeMs, options.idleMs ?? 60_000),
    election: options.election ?? null,
    onListed: (summary) => {
      run.indexed += summary.added + summary.updated;
      run.lastListing = { ...summary, at: options.now() };
      for (const cause of summary.failures) run.journal.log("warn", "object not indexed", { root, cause });
      if (summary.added + summary.updated + summary.removed === 0) return;
      const { added, updated, removed } = summary;
      const seconds = Number(summary.seconds.toFixed(3));
      run.journal.log("info", "indexed", { root, added, updated, removed, seconds });
    },
  });
  run.pollers.set(root, poller);
  return poller;
}

async function addRoot(run: S3WatchRun, root: string): Promise<Result<ScanSummary | null, string>> {
  if (run.state === "stopping") return fail("ckpt watch is stopping");
  if (run.pollers.has(root)) return fail(`${root} is watched already`);
  return ok(await startPoller(run, root).firstRound);
}

async function removeRoot(run: S3WatchRun, root: string): Promise<Result<string, string>> {
  const poller = run.pollers.get(root);
  if (poller === undefined)
    return fail(`${root} is not watched; watched: ${[...run.pollers.keys()].join(", ") || "nothing"}`);
  run.pollers.delete(root);
  await poller.stop();
  run.journal.log("info", "stopped watching", { root });
  return ok(`stopped watching ${root}; its checkpoints stay in the catalog`);
}

async function listEveryPrefix(run: S3WatchRun): Promise<string> {
  const listed = await Promise.all([...run.pollers.values()].map((poller) => poller.listOnce()));
  const polled = listed.filter((summary) => summary !== null).length;
  const others = listed.length - polled;
  return `listed ${polled} s3:// prefix${polled === 1 ? "" : "es"}${others > 0 ? `; ${others} polled by another host` : ""}`;
}

function openRun(options: S3WatchOptions): S3WatchRun {
  const { now } = options;
  const journal = createDaemonJournal({ logger: options.logger, now });
  const database = openCatalogForWriting(options.catalogPath, {
    now,
    noWal: options.noWal,
    checkIntegrity: true,
    onRebuild: (problem, movedTo) =>
      journal.log("warn", "catalog rebuilt", { cause: problem.message, moved_to: movedTo }),
  });
  return {
    options,
    database,
    journal,
    pollers: new Map(),
    startedAt: now(),
    state: "starting",
    indexed: 0,
    lastListing: null,
  };
}

/**
 * `ckpt watch s3://…`: object stores send no events, so each prefix is listed (ListObjectsV2) by its own poller
 * and new or changed objects read, every `activeMs` while something changes and backing off to `idleMs` when
 * nothing does. Holds the catalog lock for its lifetime, as the directory watcher does.
 */
export function startS3PrefixWatch(options: S3WatchOptions): Result<S3PrefixWatch, LockBusy> {
  const { now, pid } = options;
  const locked = tryLockCatalog(options.catalogPath, { command: "watch", now, pid });
  if (!locked.success) return fail(locked.error);
  const run = openRun(options);
  run.journal.log("info", "watching", {
    roots: options.roots.join(" "),
    catalog: options.catalogPath,
    poll_ms: options.activeMs,
  });
  const first = options.roots.map((root) => startPoller(run, root).firstRound);
  // Ready as soon as the pollers run, as the directory watcher is before its first reconcile: a large prefix's
  // first listing may take minutes, and `--detach` and `ckpt status` need not wait for it.
  run.state = "ready";
  return ok({
    status: () => buildS3WatchStatus(run),
    firstRounds: Promise.all(first).then(() => undefined),
    addRoot: (root) => addRoot(run, root),
    removeRoot: (root) => removeRoot(run, root),
    listNow: () => listEveryPrefix(run),
    withCatalog: (work) => work(run.database),
    stop: async () => {
      run.state = "stopping";
      await Promise.all([...run.pollers.values()].map((poller) => poller.stop()));
      run.database.close();
      locked.data.release();
      run.journal.log("info", "stopped", {});
    },
  });
}
