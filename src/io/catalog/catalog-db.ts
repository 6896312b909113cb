import { Database, SQLiteError } from "bun:sqlite";
import { accessSync, constants, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { CATALOG_DDL, CATALOG_SCHEMA_VERSION, META_KEYS } from "../../core/catalog/catalog-schema.ts";
import { AppError } from "../../core/errors/app-error.ts";
import { errorCodeOf } from "../../core/errors/error-code.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import { createPrivateFile } from "../fs/private-file.ts";
import { checkStateDirectory, requireStateDirectory } from "../fs/state-directory.ts";
import { writingCatalog } from "./catalog-write-error.ts";

/** Why an existing database file was not used as it is. */
export type CatalogProblem =
  | { readonly kind: "missing"; readonly message: string }
  /** Another user's catalog, or one in a directory this user may not enter. */
  | { readonly kind: "permission-denied"; readonly message: string }
  /** Its directory could be changed by another user (`state-directory.ts`): never opened. */
  | { readonly kind: "unsafe-directory"; readonly message: string }
  | { readonly kind: "corrupt"; readonly message: string }
  | { readonly kind: "schema-version"; readonly found: string | null; readonly message: string };

export type OpenWriterOptions = {
  readonly now: () => number;
  /** Told once when a corrupt or other-version database was moved aside; the scan then rebuilds it. */
  readonly onRebuild?: (problem: CatalogProblem, movedTo: string) => void;
  /** DELETE journal instead of WAL: only for a catalog the user insisted on putting on a network filesystem. */
  readonly noWal?: boolean;
  /**
   * Run `PRAGMA quick_check` on an existing catalog, so damage in pages no query of this run touches is found and
   * rebuilt (about 0.2 s warm for 100k checkpoints); a query's refresh passes false. @default true
   */
  readonly checkIntegrity?: boolean;
};

const BUSY_TIMEOUT_MS = 5000;
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;
/** WAL written between automatic checkpoints: SQLite's default, 1,000 pages of 4 KB, whatever the page size. */
const WAL_CHECKPOINT_BYTES = 1000 * 4096;
/** Of a new catalog; an existing one keeps its own (a WAL database cannot change it). */
const PAGE_SIZE = 16384;

/** SQLite errors that mean the file itself is bad, as opposed to busy or locked. */
export function isCorruptionError(error: unknown): boolean {
  if (!(error instanceof SQLiteError)) return false;
  return (
    /^SQLITE_(CORRUPT|NOTADB|IOERR_SHORT_READ|FORMAT)/.test(error.code ?? "") ||
    /malformed|not a database/i.test(error.message)
  );
}

function readVersion(database: Database): Result<string | null, CatalogProblem> {
  try {
    const table = database
      .query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
      .get();
    if (table === null) return ok(null);
    const row = database
      .query<{ value: string }, [string]>("SELECT value FROM meta WHERE key = ?")
      .get(META_KEYS.schemaVersion);
    return ok(row?.value ?? null);
  } catch (error) {
    if (!isCorruptionError(error)) throw error;
    return fail({ kind: "corrupt", message: error instanceof Error ? error.message : String(error) });
  }
}

/** Checks an open database is a catalog of our schema version. */
export function checkCatalog(database: Database, path: string): Result<null, CatalogProblem> {
  const version = readVersion(database);
  if (!version.success) return version;
  if (version.data === String(CATALOG_SCHEMA_VERSION)) return ok(null);
  return fail({
    kind: "schema-version",
    found: version.data,
    message: `${path} has catalog schema version ${version.data ?? "none"}, this ckpt uses ${CATALOG_SCHEMA_VERSION}`,
  });
}

function configure(database: Database, options: { readonly: boolean; noWal?: boolean | undefined }): void {
  database.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (options.readonly) return;
  database.run(`PRAGMA journal_mode = ${options.noWal ? "DELETE" : "WAL"}`);
  database.run("PRAGMA synchronous = NORMAL");
  database.run(`PRAGMA journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  // SQLite counts it in pages: 1,000 of 16 KB let the WAL grow to 16 MB before its first checkpoint, and the
  // daemon's one-row commits rewrite whole pages, so a small filesystem filled up with WAL (catalog-disk-full).
  const pageSize = database.query<{ page_size: number }, []>("PRAGMA page_size").get()?.page_size ?? 4096;
  database.run(`PRAGMA wal_autocheckpoint = ${Math.max(1, Math.round(WAL_CHECKPOINT_BYTES / pageSize))}`);
}

function createSchema(database: Database): void {
  database.transaction(() => {
    for (const statement of CATALOG_DDL) database.run(statement);
    database.run("INSERT INTO meta (key, value) VALUES (?, ?)", [
      META_KEYS.schemaVersion,
      String(CATALOG_SCHEMA_VERSION),
    ]);
  })();
}

/** Renames the database and its WAL/SHM aside (`catalog.db.corrupt-<ts>`); returns the new name. */
export function moveCatalogAside(path: string, problem: CatalogProblem, now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const tag = problem.kind === "schema-version" ? `schema${problem.found ?? "none"}` : "corrupt";
  const target = `${path}.${tag}-${stamp}`;
  for (const suffix of ["", "-wal", "-shm"]) {
    if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  }
  return target;
}

/** `PRAGMA quick_check`: reads every page, so garbage in the middle of the file is found before it is trusted. */
function checkIntegrity(database: Database, path: string): Result<null, CatalogProblem> {
  const rows = database.query<{ quick_check: string }, []>("PRAGMA quick_check(1)").all();
  const findings = rows.map((row) => row.quick_check);
  if (findings.length === 1 && findings[0] === "ok") return ok(null);
  const first = findings
    .join(" ")
    .replace(/\*\*\* in database \w+ \*\*\*/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return fail({ kind: "corrupt", message: `${path} failed its integrity check: ${first}` });
}

type OpenOptions = { readonly: boolean; noWal?: boolean | undefined; checkIntegrity?: boolean | undefined };

/**
 * Opens an existing catalog and checks it before anything else touches it: a corrupt file or one of another
 * schema version comes back as a problem (the writer moves it aside; readers report it), never half-configured.
 */
function openChecked(path: string, options: OpenOptions): Result<Database, CatalogProblem> {
  let database: Database | undefined;
  try {
    database = options.readonly
      ? new Database(path, { readonly: true, strict: true })
      : new Database(path, { create: false, readwrite: true, strict: true });
    database.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const checked = checkCatalog(database, path);
    const healthy = checked.success && options.checkIntegrity ? checkIntegrity(database, path) : checked;
    if (!healthy.success) {
      database.close();
      return healthy;
    }
    configure(database, options);
    return ok(database);
  } catch (error) {
    database?.close();
    if (!isCorruptionError(error)) throw error;
    return fail({
      kind: "corrupt",
      message: `${path}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

/** A new catalog file: created 0600, and only where nothing is (`O_EXCL`: a planted link is refused, not followed). */
function createCatalogFile(path: string): void {
  if (!createPrivateFile(path))
    throw new AppError(
      "io",
      `${path} appeared while ckpt was creating the catalog there (a dangling symlink?); remove it and run the command again`,
    );
}

/**
 * Opens the catalog for the one writer (hold the catalog lock first). A missing file is created; a corrupt file or
 * one of another schema version is moved aside and replaced by an empty catalog that the scan then fills.
 */
export function openCatalogForWriting(path: string, options: OpenWriterOptions): Database {
  requireStateDirectory(dirname(path));
  // A full or read-only disk is a `CatalogWriteError` naming the file, as for every later write.
  return writingCatalog(path, () => openOrCreate(path, options));
}

function openOrCreate(path: string, options: OpenWriterOptions): Database {
  if (existsSync(path)) {
    const opened = openChecked(path, {
      readonly: false,
      noWal: options.noWal,
      checkIntegrity: options.checkIntegrity ?? true,
    });
    if (opened.success) return opened.data;
    const movedTo = moveCatalogAside(path, opened.error, options.now());
    options.onRebuild?.(opened.error, movedTo);
  }
  createCatalogFile(path);
  const database = new Database(path, { create: false, readwrite: true, strict: true });
  try {
    // Before anything is written, or it is too late: a sidecar-less row (~2.4 KB, most of it metadata JSON) left
    // ~40 % of each 4 KB page empty, since a second row never fit beside it. 16 KB pages hold six: a cold scan of
    // 10k writes 27 MB of table pages instead of 40 MB, and its writes take a third less CPU
    // (`bench/cold-scan-writes.ts`, BENCHMARKS.md "Cold scan", fourth round).
    database.run(`PRAGMA page_size = ${PAGE_SIZE}`);
    configure(database, { readonly: false, noWal: options.noWal });
    createSchema(database);
    return database;
  } catch (error) {
    // Half a new catalog (a full disk) would look like another version's next time: leave nothing behind.
    database.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
    throw error;
  }
}

/** Another user's catalog: said as such, with what to do. */
export function permissionDenied(path: string, what: string): CatalogProblem {
  return {
    kind: "permission-denied",
    message: `the catalog ${path} is another user's: permission denied (${what}); use your own catalog (unset CKPT_CATALOG, or pass --catalog PATH), or run ckpt as its owner`,
  };
}

/**
 * Whether this user may open the catalog: absent, another user's (`permission-denied`, never mistaken for absent),
 * in a directory others could change (`unsafe-directory`), or fine.
 */
export function checkCatalogReadable(path: string): Result<null, CatalogProblem> {
  try {
    statSync(path);
  } catch (error) {
    const code = errorCodeOf(error);
    if (code === "EACCES") return fail(permissionDenied(path, "a directory on its path is closed to you"));
    if (code !== "ENOENT") throw error;
    return fail({ kind: "missing", message: `${path} does not exist yet; run 'ckpt scan DIR' to build it` });
  }
  const directory = checkStateDirectory(dirname(path), { create: false });
  if (!directory.success) return fail({ kind: "unsafe-directory", message: directory.error.message });
  try {
    accessSync(path, constants.R_OK);
    return ok(null);
  } catch {
    return fail(permissionDenied(path, "the file is not readable by you"));
  }
}

/** Opens the catalog read-only (TUI, `ls`): never creates, never repairs; the writer rebuilds a bad file. */
export function openCatalogForReading(path: string): Result<Database, CatalogProblem> {
  const readable = checkCatalogReadable(path);
  if (!readable.success) return readable;
  return openChecked(path, { readonly: true });
}

/** `PRAGMA data_version`: changes whenever another connection commits; poll it and re-query only on change. */
export function dataVersion(database: Database): number {
  const row = database.query<{ data_version: number }, []>("PRAGMA data_version").get();
  return row?.data_version ?? 0;
}

/** Folds the WAL back into the database and truncates it: what an idle or stopping writer does. */
export function truncateWal(database: Database): void {
  database.run("PRAGMA wal_checkpoint(TRUNCATE)");
}

/** Gives SQLite's page cache back to the system (after a big walk). */
export function shrinkMemory(database: Database): void {
  database.run("PRAGMA shrink_memory");
}

/**
 * A scan's writes without an fsync at each WAL checkpoint (`synchronous = OFF`), until disposed: then `NORMAL`
 * again and the WAL checkpointed (`PASSIVE`: never waits for a reader), synced WAL then database, so a finished
 * scan is as durable as before. Storing a cold scan of 10k checkpoints spent ~40 % of its time waiting for the
 * fsyncs of its ten checkpoints (`bench/cold-scan-writes.ts`). A killed scan still leaves a consistent catalog
 * (what was written is in the OS's cache: WAL recovery sees committed batches only); only a power loss or OS
 * crash during the scan can damage the file, which `quick_check` finds at the next open, and the catalog is rebuilt
 * from the disk, as it is for any damage. A DELETE-journal catalog (a network filesystem) is left as it is.
 */
export function unsyncedScanWrites(database: Database): { [Symbol.dispose](): void } {
  const mode = database.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get();
  if (mode?.journal_mode !== "wal") return { [Symbol.dispose]() {} };
  database.run("PRAGMA synchronous = OFF");
  return {
    [Symbol.dispose]() {
      database.run("PRAGMA synchronous = NORMAL");
      try {
        database.run("PRAGMA wal_checkpoint(PASSIVE)");
      } catch {
        // A full disk: the WAL keeps every commit, and the next checkpoint (or closing) tries again.
      }
    },
  };
}
