import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

// Issue 19: the catalog is reached through `CatalogStore`; SQL lives only in the store implementations (and the
// pure statement builders of src/core/catalog). A statement anywhere else is a second way to the catalog.

const src = resolve(import.meta.dir, "../../../src");

const STORE_FILES = new Set([
  "core/catalog/catalog-schema.ts",
  "core/catalog/entry-sql.ts",
  "core/catalog/postgres-schema.ts",
]);

/** SQL in a string literal, or a statement run on a connection. */
const SQL_PATTERNS = [
  /["'`]\s*(SELECT|INSERT (OR \w+ )?INTO|DELETE FROM|UPDATE \w+ SET|PRAGMA|CREATE (TABLE|INDEX))\b/,
  /\.(query|prepare|unsafe)\(\s*["'`]/,
  /\bdatabase\.run\(/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Comments may name SQL (`PRAGMA data_version`) without running any. */
function isComment(line: string): boolean {
  return /^\s*(\/\/|\/\*|\*)/.test(line);
}

function isStoreFile(path: string): boolean {
  return STORE_FILES.has(path) || path.startsWith("io/catalog/");
}

describe("the catalog's SQL boundary", () => {
  test("no file outside the store implementations holds SQL", () => {
    const offenders = sourceFiles(src).flatMap((file) => {
      const path = relative(src, file);
      if (isStoreFile(path)) return [];
      return readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, index) =>
          !isComment(line) && SQL_PATTERNS.some((pattern) => pattern.test(line))
            ? [`${path}:${index + 1}: ${line.trim()}`]
            : [],
        );
    });
    expect(offenders).toEqual([]);
  });

  test("the check finds SQL where there is some", () => {
    const found = SQL_PATTERNS.some((pattern) =>
      pattern.test(`const rows = db.query("SELECT path FROM checkpoints")`),
    );
    expect(found).toBe(true);
  });
});
