import type { Database, Statement } from "bun:sqlite";
import { isOneOf, SIDECAR_WORTHY_STATUSES } from "../../core/catalog/catalog-constants.ts";
import type { SqlValue } from "../../core/catalog/entry-sql.ts";
import type { ScannedFile } from "../../core/catalog/reconcile-plan.ts";

const FACTS = "path, kind, dev, ino, size, mtime_ms, alias_of, sidecar_present, status";

type FactsRow = readonly unknown[];

function factsOf(row: FactsRow): ScannedFile {
  const [path, kind, dev, ino, size, mtime, aliasOf, sidecarPresent, status] = row;
  return {
    path: String(path),
    kind: kind === "hf-dir" || kind === "sharded-dir" ? kind : "file",
    dev: Number(dev),
    ino: Number(ino),
    size: Number(size),
    mtime_ms: Number(mtime),
    alias_of: typeof aliasOf === "string" ? aliasOf : null,
    sidecar_present: sidecarPresent === 1,
    assemblable: isOneOf(SIDECAR_WORTHY_STATUSES, status),
  };
}

/**
 * What the catalog last recorded of the file facts a rescan compares, read a directory at a time from the
 * covering index (`checkpoints_facts`), so a rescan of 100k holds one directory's rows, not all of them.
 */
export class CatalogFacts {
  private readonly inDirectory: Statement<Record<string, SqlValue>, [string]>;
  private readonly atPath: Statement<Record<string, SqlValue>, [string]>;
  private readonly directories: Statement<Record<string, SqlValue>, [string, string, string]>;

  constructor(database: Database) {
    this.inDirectory = database.query(`SELECT ${FACTS} FROM checkpoints WHERE dir = ?`);
    this.atPath = database.query(`SELECT ${FACTS} FROM checkpoints WHERE path = ?`);
    // Everything under `root/` sorts after it and before `root0` ("0" is the byte after "/").
    this.directories = database.query(
      "SELECT DISTINCT dir FROM checkpoints WHERE dir = ? OR (dir >= ? AND dir < ?)",
    );
  }

  /** The rows whose checkpoint lies directly in `directory` (as `directoryKey` names it). */
  rowsIn(directory: string): ScannedFile[] {
    return this.inDirectory.values(directory).map(factsOf);
  }

  rowAt(path: string): ScannedFile | null {
    const [row] = this.atPath.values(path);
    return row === undefined ? null : factsOf(row);
  }

  /** The directories holding rows at or below `root` (a directory, as `directoryKey` names it). */
  directoriesUnder(root: string): string[] {
    const prefix = root === "/" ? "/" : `${root}/`;
    const end = root === "/" ? "0" : `${root}0`;
    return this.directories.values(root, prefix, end).map(([dir]) => String(dir));
  }
}
