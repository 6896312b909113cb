import { expect, test } from "bun:test";
import { entryFromMetadata } from "../../../src/core/catalog/entry-from-metadata.ts";
import {
  parseMetadataJson,
  rowValues,
  STORED_COLUMNS,
  type StoredEntry,
} from "../../../src/io/catalog/catalog-rows.ts";
import { sampleMetadata } from "../../helpers/catalog-tree.ts";

function storedEntry(metadata: StoredEntry["metadata"]): StoredEntry {
  const file = {
    path: "/runs/a/e1.ckpt",
    kind: "file" as const,
    dev: 1,
    ino: 2,
    size: 3,
    mtime_ms: 4,
    alias_of: null,
    sidecar_present: false,
  };
  const entry = entryFromMetadata({
    file,
    metadata,
    status: "ok",
    sidecar: "missing",
    runDir: null,
    indexedAt: 5,
  });
  return { ...entry, sidecar_present: false, metadata };
}

const metadataColumn = STORED_COLUMNS.indexOf("metadata_json");

test("metadata parsed from a read worker's JSON is stored as that very text, not stringified again", () => {
  const text = JSON.stringify(sampleMetadata("a/e1.ckpt", { exp: "x", epoch: 1, hmean: 0.5 }), null, 1);
  const parsed = parseMetadataJson(text);
  expect(rowValues(storedEntry(parsed))[metadataColumn]).toBe(text);
  // An object built on this thread is stringified as before.
  const built = sampleMetadata("a/e1.ckpt", { exp: "x", epoch: 1, hmean: 0.5 });
  expect(rowValues(storedEntry(built))[metadataColumn]).toBe(JSON.stringify(built));
});
