import { SQLiteError } from "bun:sqlite";
import { dirname } from "node:path";
import { AppError } from "../../core/errors/app-error.ts";

/** The catalog could not be written (disk full, read-only, I/O error): nothing of that write was stored. */
export class CatalogWriteError extends AppError {
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super("io", message, options);
    this.name = "CatalogWriteError";
    this.path = path;
  }
}

type DiskProblem = "full" | "read-only" | "io";

/** What a failed write says about the disk, from SQLite's code or the errno; null when it is not about the disk. */
function diskProblemOf(error: unknown): { problem: DiskProblem; code: string } | null {
  const code =
    error instanceof SQLiteError ? (error.code ?? "") : String((error as NodeJS.ErrnoException)?.code ?? "");
  if (/^(SQLITE_FULL|ENOSPC|EDQUOT)/.test(code)) return { problem: "full", code };
  if (/^(SQLITE_READONLY|SQLITE_PERM|SQLITE_CANTOPEN|EROFS|EACCES|EPERM)/.test(code))
    return { problem: "read-only", code };
  if (/^(SQLITE_IOERR|EIO)/.test(code) && !code.startsWith("SQLITE_IOERR_SHORT_READ"))
    return { problem: "io", code };
  return null;
}

function advice(problem: DiskProblem, path: string): string {
  switch (problem) {
    case "full":
      return `the filesystem holding it is full; free space in ${dirname(path)}, or move the catalog (CKPT_CATALOG or --catalog)`;
    case "read-only":
      return `it cannot be written (read-only file or filesystem); check the permissions of ${path} and its directory`;
    default:
      return `check the disk holding ${dirname(path)} (dmesg may say more)`;
  }
}

/**
 * An error of a catalog write that is about the disk rather than the data becomes a `CatalogWriteError` naming the
 * file and what to do; anything else (corruption, a bug) is returned as it is.
 */
export function asCatalogWriteError(error: unknown, path: string): unknown {
  if (error instanceof CatalogWriteError) return error;
  const found = diskProblemOf(error);
  if (found === null) return error;
  const why = error instanceof Error ? error.message : String(error);
  return new CatalogWriteError(
    path,
    `cannot write the catalog ${path}: ${why} (${found.code}); ${advice(found.problem, path)}`,
    { cause: error },
  );
}

/** Runs a catalog write; a disk failure comes out as a `CatalogWriteError`. */
export function writingCatalog<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw asCatalogWriteError(error, path);
  }
}
