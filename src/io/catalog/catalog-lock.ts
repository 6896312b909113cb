import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { AppError } from "../../core/errors/app-error.ts";
import { errorCodeOf } from "../../core/errors/error-code.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import { FLOCK, type Flock, loadFlock } from "../fs/flock-ffi.ts";
import { openPrivateFile, writePrivateFileAtomically } from "../fs/private-file.ts";
import { requireStateDirectory } from "../fs/state-directory.ts";
import { permissionDenied } from "./catalog-db.ts";
import { asCatalogWriteError } from "./catalog-write-error.ts";

/** Who holds the catalog: informational only (the pid file), never the lock itself. */
export const LockHolder = z.object({
  pid: z.number().int(),
  /** `scan`, `watch`, `ls`, …: `watch` means a daemon keeps the catalog current. */
  command: z.string(),
  started_at: z.string(),
});
export type LockHolder = z.infer<typeof LockHolder>;

export type LockMechanism = "flock" | "exclusive-file";

export type CatalogLock = {
  readonly mechanism: LockMechanism;
  readonly lockPath: string;
  release(): void;
  [Symbol.dispose](): void;
};

export type LockOptions = {
  readonly command: string;
  readonly now: () => number;
  /** @default process.pid */
  readonly pid?: number;
  /** `auto` uses flock(2) through bun:ffi and the `O_EXCL` lock file when FFI is unavailable. @default "auto" */
  readonly mechanism?: "auto" | LockMechanism;
};

export type LockBusy = { readonly holder: LockHolder | null };

/** Files beside the database: `catalog.db.lock` (flock), `catalog.db.lock.excl` (fallback), `catalog.db.pid`. */
export function catalogLockPaths(databasePath: string) {
  return {
    lock: `${databasePath}.lock`,
    exclusive: `${databasePath}.lock.excl`,
    pid: `${databasePath}.pid`,
  } as const;
}

function parseHolder(text: string): LockHolder | null {
  try {
    const parsed = LockHolder.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The pid file's content; may describe a holder that has since exited, so use it only to explain a busy lock. */
export function readLockHolder(databasePath: string): LockHolder | null {
  try {
    return parseHolder(readFileSync(catalogLockPaths(databasePath).pid, "utf8"));
  } catch {
    return null;
  }
}

function holderOf(options: LockOptions): LockHolder {
  return {
    pid: options.pid ?? process.pid,
    command: options.command,
    started_at: new Date(options.now()).toISOString(),
  };
}

function removeIfOurs(path: string, pid: number): void {
  try {
    if (parseHolder(readFileSync(path, "utf8"))?.pid === pid) unlinkSync(path);
  } catch {}
}

/** Opening a lock file: another user's catalog, a planted link or a full disk is said so, not a stack trace. */
function lockFileOpen(databasePath: string, open: () => number): number {
  try {
    return open();
  } catch (error) {
    const code = errorCodeOf(error);
    if (code === "EACCES" || code === "EPERM")
      throw new AppError(
        "permission-denied",
        permissionDenied(databasePath, "its lock file is not yours").message,
      );
    if (code === "ELOOP")
      throw new AppError(
        "io",
        `${databasePath}.lock is a symlink, which ckpt never follows; remove it and run the command again`,
      );
    throw asCatalogWriteError(error, databasePath);
  }
}

/** The holder, for humans and for `status`; a full or read-only disk says so as any catalog write does. */
function writePidFile(databasePath: string, holder: LockHolder): void {
  try {
    writePrivateFileAtomically(catalogLockPaths(databasePath).pid, `${JSON.stringify(holder)}\n`);
  } catch (error) {
    throw asCatalogWriteError(error, databasePath);
  }
}

function tryFlock(databasePath: string, flock: Flock, holder: LockHolder): Result<CatalogLock, LockBusy> {
  const paths = catalogLockPaths(databasePath);
  const fd = lockFileOpen(databasePath, () => openPrivateFile(paths.lock, "read-write"));
  const locked = flock(fd, FLOCK.exclusive | FLOCK.nonBlocking);
  if (!locked.ok) {
    closeSync(fd);
    return fail({ holder: readLockHolder(databasePath) });
  }
  try {
    writePidFile(databasePath, holder);
  } catch (error) {
    flock(fd, FLOCK.unlock);
    closeSync(fd);
    throw error;
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    removeIfOurs(paths.pid, holder.pid);
    flock(fd, FLOCK.unlock);
    closeSync(fd);
  };
  return ok({ mechanism: "flock", lockPath: paths.lock, release, [Symbol.dispose]: release });
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCodeOf(error) === "EPERM";
  }
}

/**
 * Fallback without FFI: `O_CREAT|O_EXCL` on `catalog.db.lock.excl` holding the holder's JSON. A file whose pid is
 * no longer alive is stale (its holder crashed) and is taken over; unlike flock this can be fooled by pid reuse.
 */
function tryExclusiveFile(databasePath: string, holder: LockHolder): Result<CatalogLock, LockBusy> {
  const paths = catalogLockPaths(databasePath);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = lockFileOpen(databasePath, () => openSync(paths.exclusive, "wx", 0o600));
      writeFileSync(fd, `${JSON.stringify(holder)}\n`);
      closeSync(fd);
      writePidFile(databasePath, holder);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        removeIfOurs(paths.pid, holder.pid);
        removeIfOurs(paths.exclusive, holder.pid);
      };
      return ok({
        mechanism: "exclusive-file",
        lockPath: paths.exclusive,
        release,
        [Symbol.dispose]: release,
      });
    } catch (error) {
      if (errorCodeOf(error) !== "EEXIST") throw asCatalogWriteError(error, databasePath);
      let current: LockHolder | null = null;
      try {
        current = parseHolder(readFileSync(paths.exclusive, "utf8"));
      } catch {}
      if (current !== null && isProcessAlive(current.pid)) return fail({ holder: current });
      try {
        unlinkSync(paths.exclusive);
      } catch {}
    }
  }
  return fail({ holder: null });
}

/**
 * Takes the catalog's single-writer lock without waiting. The kernel drops a flock when its holder dies. The
 * catalog's directory is checked first (`state-directory.ts`): nothing is created in one another user controls.
 */
export function tryLockCatalog(databasePath: string, options: LockOptions): Result<CatalogLock, LockBusy> {
  requireStateDirectory(dirname(databasePath));
  const mechanism = options.mechanism ?? "auto";
  const flock = mechanism === "exclusive-file" ? null : loadFlock();
  if (mechanism === "flock" && flock === null)
    throw new Error("flock(2) is not available through bun:ffi here");
  const holder = holderOf(options);
  return flock === null ? tryExclusiveFile(databasePath, holder) : tryFlock(databasePath, flock, holder);
}

export type WaitLockOptions = LockOptions & {
  /** Give up after this long. */
  readonly waitMs: number;
  /** Called once, when the first attempt finds the lock busy. */
  readonly onBusy?: (busy: LockBusy) => void;
  /** Stop waiting at once when this returns true (a daemon holds it, so waiting is pointless). */
  readonly giveUpWhen?: (busy: LockBusy) => boolean;
};

/** Takes the lock, retrying with a growing pause until `waitMs` has passed. */
export async function lockCatalog(
  databasePath: string,
  options: WaitLockOptions,
): Promise<Result<CatalogLock, LockBusy>> {
  const deadline = options.now() + options.waitMs;
  let pause = 10;
  for (let attempt = 0; ; attempt++) {
    const result = tryLockCatalog(databasePath, options);
    if (result.success) return result;
    if (attempt === 0) options.onBusy?.(result.error);
    if (options.giveUpWhen?.(result.error) === true || options.now() >= deadline) return result;
    await Bun.sleep(Math.min(pause, Math.max(1, deadline - options.now())));
    pause = Math.min(pause * 2, 250);
  }
}
