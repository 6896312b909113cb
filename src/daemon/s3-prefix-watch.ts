import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import { fail, ok, type Result } from "../core/result.ts";
import { openCatalogForWriting } from "../io/catalog/catalog-db.ts";
import { type LockBusy, tryLockCatalog } from "../io/catalog/catalog-lock.ts";
import { recordScan } from "../io/catalog/catalog-writes.ts";
import { scanS3Roots } from "../io/object-store/s3-catalog-scan.ts";
import type { S3Session } from "../io/object-store/s3-session.ts";
import type { Logger } from "../io/process/logger.ts";
import type { ScanSummary } from "../io/scan/scan-summary.ts";
import { nextPollInterval } from "./targeted-poller.ts";

export type S3WatchOptions = {
  /** s3://bucket/prefix roots. */
  readonly roots: readonly string[];
  readonly catalogPath: string;
  readonly sidecars: SidecarMode;
  readonly session: S3Session;
  readonly logger: Logger;
  readonly now: () => number;
  readonly pid: number;
  readonly noWal: boolean;
  /** Listing interval while objects keep changing (`--poll=SECONDS`). */
  readonly activeMs: number;
  /** The interval a quiet prefix backs off to, doubling from `activeMs`. @default 60_000 */
  readonly idleMs?: number;
  /** Resolves when the watch is to stop; a listing in progress finishes first. */
  readonly stopRequested: Promise<void>;
};

// A prefix that changed within this window keeps the active interval (as `--poll` does for NFS run directories).
const ACTIVE_WINDOW_MS = 60_000;

function changed(summary: ScanSummary): boolean {
  return summary.added + summary.updated + summary.removed > 0;
}

function logPoll(logger: Logger, summary: ScanSummary, roots: readonly string[]): void {
  for (const failure of summary.failures) logger.log("warn", "object not indexed", { cause: failure });
  if (!changed(summary)) return;
  logger.log("info", "indexed", {
    roots: roots.join(" "),
    added: summary.added,
    updated: summary.updated,
    removed: summary.removed,
    seconds: Number(summary.seconds.toFixed(3)),
  });
}

/**
 * `ckpt watch s3://…`: object stores send no events, so the prefixes are listed (ListObjectsV2) and new or changed
 * objects read, every `activeMs` while something changes and backing off to `idleMs` when nothing does. Holds the
 * catalog lock for its lifetime, as the directory watcher does.
 */
export async function watchS3Prefixes(options: S3WatchOptions): Promise<Result<null, LockBusy>> {
  const locked = tryLockCatalog(options.catalogPath, {
    command: "watch",
    now: options.now,
    pid: options.pid,
  });
  if (!locked.success) return fail(locked.error);
  const { logger, roots } = options;
  const database = openCatalogForWriting(options.catalogPath, {
    now: options.now,
    noWal: options.noWal,
    checkIntegrity: true,
    onRebuild: (problem, movedTo) =>
      logger.log("warn", "catalog rebuilt", { cause: problem.message, moved_to: movedTo }),
  });
  let stopped = false;
  void options.stopRequested.then(() => {
    stopped = true;
  });
  const idleMs = Math.max(options.activeMs, options.idleMs ?? 60_000);
  let intervalMs = options.activeMs;
  let lastChangeAt = options.now();
  try {
    logger.log("info", "watching", {
      roots: roots.join(" "),
      catalog: options.catalogPath,
      poll_ms: options.activeMs,
    });
    while (!stopped) {
      const summary = await scanS3Roots(database, {
        roots,
        session: options.session,
        sidecars: options.sidecars,
        now: options.now,
        onWarning: (message) => logger.log("warn", "sidecar", { cause: message }),
      });
      recordScan(database, { at: new Date(options.now()).toISOString(), seconds: summary.seconds, roots });
      logPoll(logger, summary, roots);
      if (changed(summary)) lastChangeAt = options.now();
      intervalMs = nextPollInterval({
        currentMs: intervalMs,
        idleForMs: options.now() - lastChangeAt,
        activeMs: options.activeMs,
        idleMs,
        windowMs: ACTIVE_WINDOW_MS,
      });
      logger.log("debug", "next listing", { in_ms: intervalMs });
      await Promise.race([Bun.sleep(intervalMs), options.stopRequested]);
    }
    return ok(null);
  } finally {
    database.close();
    locked.data.release();
  }
}
