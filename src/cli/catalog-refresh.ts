import type { Database } from "bun:sqlite";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import { openCatalogForWriting } from "../io/catalog-db.ts";
import type { CatalogLocation } from "../io/catalog-location.ts";
import { type LockHolder, lockCatalog } from "../io/catalog-lock.ts";
import { knownRoots } from "../io/catalog-reads.ts";
import { scanCatalog } from "../io/catalog-scan.ts";
import type { ScanSummary } from "../io/scan-summary.ts";
import type { CommandContext } from "./command.ts";

export type ScanRequest = {
  readonly command: string;
  readonly location: CatalogLocation;
  /** Empty: the roots earlier scans covered, else the working directory. */
  readonly roots: readonly string[];
  readonly sidecars: SidecarMode;
  readonly recursive: boolean;
  readonly waitMs: number;
  /** Sidecar and walk warnings go to stderr. */
  readonly verbose: boolean;
};

export type ScanAttempt =
  | { readonly kind: "scanned"; readonly summary: ScanSummary; readonly roots: readonly string[] }
  | { readonly kind: "daemon"; readonly holder: LockHolder }
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

function openWriter(context: CommandContext, location: CatalogLocation): Database {
  return openCatalogForWriting(location.path, {
    now: context.now,
    noWal: location.networkMount !== null,
    onRebuild: (problem, movedTo) =>
      context.stderr.write(
        `ckpt: the catalog ${location.path} was unusable (${problem.message}); moved it to ${movedTo} and rebuilding it from sidecars and checkpoints\n`,
      ),
  });
}

/**
 * Takes the catalog lock (waiting for another one-shot scan, not for a daemon), runs the incremental scan and
 * releases. A daemon holding the lock keeps the catalog current, so there is nothing to do.
 */
export async function scanUnderLock(context: CommandContext, request: ScanRequest): Promise<ScanAttempt> {
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
  if (!locked.success) {
    const holder = locked.error.holder;
    return holder?.command === "watch" ? { kind: "daemon", holder } : { kind: "busy", holder };
  }
  const lock = locked.data;
  let database: Database | null = null;
  try {
    database = openWriter(context, request.location);
    const roots = request.roots.length > 0 ? request.roots : knownOrCwd(database, context.cwd);
    const progress = progressWriter(context);
    const summary = await scanCatalog(database, {
      roots,
      recursive: request.recursive,
      sidecars: request.sidecars,
      now: context.now,
      ...(progress === undefined ? {} : { onProgress: progress }),
      onWarning: (message) => {
        if (request.verbose) context.stderr.write(`ckpt: ${message}\n`);
      },
    });
    return { kind: "scanned", summary, roots };
  } finally {
    database?.close();
    lock.release();
  }
}

function knownOrCwd(database: Database, cwd: string): string[] {
  const known = knownRoots(database);
  return known.length > 0 ? known : [cwd];
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
  if (attempt.kind !== "scanned") return;
  const { failed, sidecars_missing: missing } = attempt.summary;
  if (failed > 0)
    context.stderr.write(`ckpt: ${failed} checkpoints could not be read; 'ckpt scan' lists them\n`);
  if (missing > 0)
    context.stderr.write(
      `ckpt: ${missing} checkpoint${missing === 1 ? " has" : "s have"} no sidecar; ${request.command} never writes one — 'ckpt scan DIR', 'ckpt convert' or 'ckpt watch DIR' do\n`,
    );
}
