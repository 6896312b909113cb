import type { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { assertNever } from "../core/assert-never.ts";
import { AppError } from "../core/errors/app-error.ts";
import { isS3Url, parseS3Url } from "../core/object-store/s3-url.ts";
import { isCorruptionError, openCatalogForReading } from "../io/catalog/catalog-db.ts";
import { type CatalogLocation, resolveCatalogLocation } from "../io/catalog/catalog-location.ts";
import { knownRoots } from "../io/catalog/catalog-reads.ts";
import { readRecordedRoots, rootsFilePath } from "../io/catalog/catalog-roots-file.ts";
import { fsPath } from "../io/fs/fs-path.ts";
import type { CommandContext } from "./command.ts";

/**
 * Resolves the catalog path for a command; an explicit `--catalog` on a network filesystem gets a warning. (A
 * shared catalog's working catalog is checked where it is opened: a query never opens it.)
 */
export function locateCatalog(context: CommandContext, flag: string | undefined): CatalogLocation {
  const location = resolveCatalogLocation({ flag, env: context.env, cwd: context.cwd });
  if (location.shared === undefined && location.networkMount !== null) {
    context.stderr.write(
      `ckpt: warning: ${location.path} is on ${location.networkMount.fsType} (${location.networkMount.mountPoint}); using it because --catalog says so, with a rollback journal instead of WAL — run one writer on one host only\n`,
    );
  }
  return location;
}

/** A path from the command line, absolute and without a trailing slash, as roots are recorded. */
export function absolutePath(context: CommandContext, path: string): string {
  return resolve(context.cwd, path).replace(/(.)\/+$/, "$1");
}

/** An s3:// root as recorded: `s3://bucket` or `s3://bucket/prefix`, without a trailing slash. */
function s3Root(command: string, url: string): string {
  const parsed = parseS3Url(url);
  if (!parsed.success) throw new AppError("usage", `${command}: ${parsed.error}`);
  const key = parsed.data.key.replace(/\/+$/, "");
  return key === "" ? `s3://${parsed.data.bucket}` : `s3://${parsed.data.bucket}/${key}`;
}

/** Positional roots as absolute paths (each must exist) or s3:// prefixes (listed when scanned). */
export function resolveRoots(
  command: string,
  context: CommandContext,
  positionals: readonly string[],
): string[] {
  const roots = positionals.map((path) =>
    isS3Url(path) ? s3Root(command, path) : absolutePath(context, path),
  );
  const absent = roots.find((root) => !isS3Url(root) && !existsSync(fsPath(root)));
  if (absent !== undefined) {
    throw new AppError(
      "not-found",
      `${command}: ${absent} does not exist; pass a checkpoint or a directory of them`,
    );
  }
  return roots;
}

/** What rebuilds a damaged catalog: `ckpt scan`, from the roots recorded beside it when there are any. */
export function rebuildAdvice(catalogPath: string): string {
  const roots = readRecordedRoots(catalogPath) ?? [];
  return roots.length > 0
    ? `run 'ckpt scan' to move it aside and rebuild it from sidecars and checkpoints under ${roots.join(", ")} (the roots recorded in ${rootsFilePath(catalogPath)})`
    : `run 'ckpt scan DIR…' with the directories it covered to move it aside and rebuild it from sidecars and checkpoints`;
}

/** Opens the catalog for a query; a missing catalog is empty, another user's is refused, a broken one names the fix. */
export function openForQuery(location: CatalogLocation): Database | null {
  const opened = openCatalogForReading(location.path);
  if (opened.success) return opened.data;
  switch (opened.error.kind) {
    case "missing":
      return null;
    case "permission-denied":
      throw new AppError("permission-denied", opened.error.message);
    case "unsafe-directory":
      throw new AppError("io", opened.error.message);
    case "corrupt":
    case "schema-version":
      throw new AppError("io", `${opened.error.message}; ${rebuildAdvice(location.path)}`);
    default:
      return assertNever(opened.error);
  }
}

/**
 * A query that failed on the database's pages (garbage in the middle of the file: the header was fine) says so
 * and how to rebuild, instead of "internal error"; any other error is returned as it is.
 */
export function queryFailure(location: CatalogLocation, error: unknown): unknown {
  if (!isCorruptionError(error)) return error;
  const why = error instanceof Error ? error.message : String(error);
  return new AppError(
    "io",
    `the catalog ${location.path} is damaged (${why}); ${rebuildAdvice(location.path)}`,
    {
      cause: error,
    },
  );
}

/** The roots the catalog covers: those in its meta table and those recorded beside it (which outlive it). */
export function recordedRoots(catalogPath: string, database: Database | null): string[] {
  const inMeta = database === null ? [] : knownRoots(database);
  return [...new Set([...inMeta, ...(readRecordedRoots(catalogPath) ?? [])])].sort();
}

/** The recorded roots on this machine's disks: an s3:// prefix has no filesystem to measure, trash or prune in. */
export function localRoots(catalogPath: string, database: Database | null): string[] {
  return recordedRoots(catalogPath, database).filter((root) => !isS3Url(root));
}

/** `ckpt scan` without DIR: the roots earlier scans covered, else the working directory. */
export function knownRootsOrCwd(options: {
  readonly catalogPath: string;
  readonly database: Database | null;
  readonly cwd: string;
}): string[] {
  const known = recordedRoots(options.catalogPath, options.database);
  return known.length > 0 ? known : [options.cwd];
}
