import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { asCatalogWriteError, CatalogWriteError } from "../../../src/io/catalog/catalog-write-error.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

/** The error a real SQLite statement throws. */
function sqliteError(run: (database: Database) => void, options: { readonly?: boolean } = {}): unknown {
  using dir = makeTempDir("write-error");
  const path = join(dir.path, "c.db");
  new Database(path, { create: true }).run("CREATE TABLE t (x INTEGER PRIMARY KEY)");
  const database = new Database(path, options.readonly ? { readonly: true } : {});
  try {
    run(database);
    return null;
  } catch (error) {
    return error;
  } finally {
    database.close();
  }
}

const errno = (code: string) => Object.assign(new Error(`${code}: failed, write`), { code });

describe("asCatalogWriteError: disk failures become one message naming the catalog and the fix", () => {
  const path = "/state/ckpt/catalog.db";
  const cases: [string, unknown, string | null][] = [
    [
      "SQLite on a read-only file",
      sqliteError((database) => database.run("INSERT INTO t VALUES (1)"), { readonly: true }),
      "it cannot be written (read-only file or filesystem); check the permissions of /state/ckpt/catalog.db and its directory",
    ],
    [
      "ENOSPC writing the pid or roots file",
      errno("ENOSPC"),
      "the filesystem holding it is full; free space in /state/ckpt, or move the catalog (CKPT_CATALOG or --catalog)",
    ],
    ["EIO", errno("EIO"), "check the disk holding /state/ckpt (dmesg may say more)"],
    [
      "a constraint violation is a bug, not the disk",
      sqliteError((database) => database.run("INSERT INTO t VALUES ('x')")),
      null,
    ],
    ["anything else passes through", new Error("boom"), null],
  ];
  test.each(cases)("%s", (_name, error, advice) => {
    const converted = asCatalogWriteError(error, path);
    if (advice === null) expect(converted).toBe(error);
    else {
      expect(converted).toBeInstanceOf(CatalogWriteError);
      const message = (converted as CatalogWriteError).message;
      expect({
        starts: message.startsWith(`cannot write the catalog ${path}: `),
        ends: message.endsWith(`; ${advice}`),
      }).toEqual({
        starts: true,
        ends: true,
      });
    }
  });
});
