import type { Database } from "bun:sqlite";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import { AppError } from "../core/errors/app-error.ts";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { type CatalogProblem, openCatalogForWriting } from "../io/catalog/catalog-db.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import { type CatalogLock, type LockHolder, lockCatalog } from "../io/catalog/catalog-lock.ts";
import { recordScan } from "../io/catalog/catalog-writes.ts";
import { S3Session } from "../io/object-store/s3-session.ts";
import { scanCatalog } from "../io/scan/catalog-scan.ts";
import type { ScanSummary } from "../io/scan/scan-summary.ts";
import { knownRootsOrCwd, recordedRoots } from "./catalog-session.ts";
import type { CommandContext } from "./command.ts";
import { type DaemonScan, scanThroughDaemon } from "./daemon-scan.ts";

export type ScanRequest = {
  readonly command: string;
  readonly location: CatalogLocation;
  /** Empty: the roots earlier scans covered, else the working directory. */
  readonly roots: readonly string[];
  readonly sidecars: SidecarMode;
  readonly recursive: boolean;
  /** `--follow-symlinks`: read through symlinks that lead out of the roots. @default false */
  readonly followSymlinks?: boolean;
  readonly waitMs: number;
  /** Sidecar and walk warnings go to stderr. */
  readonly verbose: boolean;
  /** How s3:// roots are reached (`--profile`, `--endpoint`). @default the environment and ~/.aws only */
  readonly s3?: S3Session;
  /** Sidecars next to s3:// objects: written only when `--sidecars write` was given explicitly. @default read */
  readonly objectSidecars?: SidecarMode;
};

export type ScanAttempt =
  | { readonly kind: "scanned"; readonly summary: ScanSummary; readonly roots: readonly string[] }
  /** `ckpt watch` holds the catalog: it keeps some directories current and scanned the others, or cannot be asked. */
  | DaemonScan
  | { readonly kind: "busy"; readonly holder: LockHolder | null };

function progressWriter(context: CommandContext): ((done: number, total: number) => void) | undefined {
  if (!context.stderr.isTTY) return undefined;
  let last = 0;
  return (done, total) => {
    const now = context.now();
    if (done < total && now - last < 100) return;
    last = now;
    context.stderr.write(done < total ? `\rckpt: reading ${done}/${total} checkpoints…` : "\r\x1b[K");
  };
}

type OpenedWriter = {
  readonly database: Database;
  /** The file was damaged or of another version: moved aside, and this database is new. */
  readonly rebuilt: { readonly problem: CatalogProblem; readonly movedTo: string } | null;
};

function openWriter(context: CommandContext, request: ScanRequest): OpenedWriter {
  let rebuilt: OpenedWriter["rebuilt"] = null;
  const database = openCatalogForWriting(request.location.path, {
    now: context.now,
    noWal: request.location.networkMount !== null,
    // `ckpt scan` reads every page once; a query's refresh relies on its queries failing.
    checkIntegrity: request.command === "scan",
    onRebuild: (problem, movedTo) => {
      rebuilt = { problem, movedTo };
    },
  });
  return { database, rebuilt };
}

/**
 * The roots to scan: those asked for, else those recorded; a rebuilt catalog gets every recorded root back (never
 * the working directory: that would fill it with whatever is there).
 */
function rootsToScan(context: CommandContext, request: ScanRequest, opened: OpenedWriter): string[] {
  const path = request.location.path;
  const recorded = recordedRoots(path, opened.rebuilt === null ? opened.database : null);
  if (opened.rebuilt === null)
    return request.roots.length > 0
      ? [...request.roots]
      : knownRootsOrCwd({ ...opened, catalogPath: path, cwd: context.cwd });
  const { problem, movedTo } = opened.rebuilt;
  const roots = [...new Set([...request.roots, ...recorded])].sort();
  if (roots.length === 0)
    throw new AppError(
      "io",
      `the catalog ${path} was unusable (${problem.message}); moved it to ${movedTo}, but no roots are recorded beside it to rebuild from: run 'ckpt scan DIR…' with the directories it covered`,
    );
  context.stderr.write(
    `ckpt: the catalog ${path} was unusable (${problem.message}); moved it to ${movedTo} and rebuilding it from sidecars and checkpoints under ${roots.join(", ")}\n`,
  );
  return roots;
}

/**
 * Takes the catalog lock (waiting for another one-shot scan, not for a daemon), runs the incremental scan and
 * releases. When `ckpt watch` holds the lock, the scan goes through it (see `daemon-scan.ts`).
 */
export async function scanUnderLock(context: CommandContext, request: ScanRequest): Promise<ScanAttempt> {
  // S3 settings that cannot be resolved fail before the catalog is locked or opened.
  if (request.roots.some(isS3Url)) request.s3?.settings();
  // Twice at most: a daemon that stops between our look at the lock and our question frees the lock for us.
  for (let attempt = 0; attempt < 2; attempt++) {
    const locked = await lockCatalog(request.location.path, {
      command: request.command,
      now: context.now,
      waitMs: request.waitMs,
      giveUpWhen: (busy) => busy.holder?.command === "watch",
      onBusy: (busy) => {
        if (busy.holder?.command !== "watch" && request.verbose) {
          const who =
            busy.holder === null ? "another ckpt" : `ckpt ${busy.holder.command} (pid ${busy.holder.pid})`;
          context.stderr.write(`ckpt: waiting for ${who} to finish with the catalog…\n`);
        }
      },
    });
    if (locked.success) return scanLocked(context, request, locked.data);
    const holder = locked.error.holder;
    if (holder?.command !== "watch") return { kind: "busy", holder };
    // `ckpt watch s3://…` scans prefixes for us; the directory watcher refuses them, and the refusal is shown.
    const throughDaemon = await scanThroughDaemon(context, request, holder);
    if (throughDaemon !== null) return throughDaemon;
  }
  return { kind: "busy", holder: null };
}

async function scanLocked(
  context: CommandContext,
  request: ScanRequest,
  lock: CatalogLock,
): Promise<ScanAttempt> {
  let database: Database | null = null;
  try {
    const opened = openWriter(context, request);
    database = opened.database;
    const roots = rootsToScan(context, request, opened);
    const progress = progressWriter(context);
    const { local, s3 } = splitRoots(roots);
    const objects = await scanObjectRoots(context, { request, database, roots: s3 });
    if (local.length === 0 && objects !== null) return { kind: "scanned", summary: objects, roots };
    const files = await scanCatalog(database, {
      roots: local,
      recursive: request.recursive,
      followSymlinks: request.followSymlinks ?? false,
      sidecars: request.sidecars,
      now: context.now,
      ...(progress === undefined ? {} : { onProgress: progress }),
      onWarning: (message) => {
        if (request.verbose) context.stderr.write(`ckpt: ${message}\n`);
      },
    });
    return { kind: "scanned", summary: objects === null ? files : addSummaries(files, objects), roots };
  } finally {
    database?.close();
    lock.release();
  }
}

function splitRoots(roots: readonly string[]): { local: string[]; s3: string[] } {
  return { local: roots.filter((root) => !isS3Url(root)), s3: roots.filter(isS3Url) };
}

function addSummaries(a: ScanSummary, b: ScanSummary): ScanSummary {
  return {
    added: a.added + b.added,
    updated: a.updated + b.updated,
    removed: a.removed + b.removed,
    unchanged: a.unchanged + b.unchanged,
    failed: a.failed + b.failed,
    seconds: a.seconds + b.seconds,
    sidecars_written: a.sidecars_written + b.sidecars_written,
    sidecars_missing: a.sidecars_missing + b.sidecars_missing,
    failures: [...a.failures, ...b.failures],
  };
}

/** The s3:// roots of a scan: listed and read with ranges, recorded like directories; null when there are none. */
async function scanObjectRoots(
  context: CommandContext,
  options: { request: ScanRequest; database: Database; roots: readonly string[] },
): Promise<ScanSummary | null> {
  const { request, database, roots } = options;
  if (roots.length === 0) return null;
  const { scanS3Roots } = await import("../io/object-store/s3-catalog-scan.ts");
  const objectSidecars = request.objectSidecars ?? (request.sidecars === "off" ? "off" : "read");
  const summary = await scanS3Roots(database, {
    roots,
    session: request.s3 ?? new S3Session({ env: context.env, flags: {} }),
    sidecars: objectSidecars,
    now: context.now,
    onWarning: (message) => {
      if (request.verbose) context.stderr.write(`ckpt: ${message}\n`);
    },
  });
  if (request.verbose && objectSidecars !== "write" && summary.sidecars_missing > 0)
    context.stderr.write(
      `ckpt: ${summary.sidecars_missing} checkpoint objects under ${roots.join(", ")} have their metadata in the catalog only; 'ckpt scan ${roots[0]} --sidecars write' writes sidecars next to them (needs s3:PutObject)\n`,
    );
  recordScan(database, { at: new Date(context.now()).toISOString(), seconds: summary.seconds, roots });
  return summary;
}

/**
 * `ls`/`best`/`stats`/`tui` with roots: bring the catalog up to date first, reading sidecars but never writing
 * into the user's directories. Checkpoints found without a sidecar get one hint, not a line each.
 */
export async function refreshBeforeQuery(
  context: CommandContext,
  request: Omit<ScanRequest, "verbose" | "sidecars"> & { readonly sidecars: Exclude<SidecarMode, "write"> },
): Promise<void> {
  if (request.roots.length === 0) return;
  const attempt = await scanUnderLock(context, { ...request, verbose: false });
  const summary = summaryOf(attempt);
  if (summary === null) {
    const why = staleReason(attempt);
    if (why !== null) context.stderr.write(`ckpt: ${why}; answering from the catalog as it is\n`);
    return;
  }
  const { failed, sidecars_missing: missing } = summary;
  if (failed > 0)
    context.stderr.write(`ckpt: ${failed} checkpoints could not be read; 'ckpt scan' lists them\n`);
  if (missing > 0)
    context.stderr.write(
      `ckpt: ${missing} checkpoint${missing === 1 ? " has" : "s have"} no sidecar; ${request.command} never writes one — 'ckpt scan DIR', 'ckpt convert' or 'ckpt watch DIR' do\n`,
    );
}

/** What the refresh read, by this process or by the daemon; null when nothing was scanned. */
function summaryOf(attempt: ScanAttempt): ScanSummary | null {
  if (attempt.kind === "scanned") return attempt.summary;
  return attempt.kind === "daemon" ? (attempt.scanned?.result.summary ?? null) : null;
}

/** Why the catalog could not be refreshed; null when the daemon keeps every directory current. */
function staleReason(attempt: ScanAttempt): string | null {
  switch (attempt.kind) {
    case "unreachable":
      return `ckpt watch (pid ${attempt.holder.pid}) holds the catalog and could not be asked to refresh it (${attempt.reason})`;
    case "busy":
      return `the catalog stayed busy (${attempt.holder === null ? "another ckpt" : `ckpt ${attempt.holder.command}, pid ${attempt.holder.pid}`})`;
    default:
      return null;
  }
}
