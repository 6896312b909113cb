import { afterAll, describe } from "bun:test";
import { join } from "node:path";
import { openCatalogForWriting } from "../../../src/io/catalog/catalog-db.ts";
import { sqliteCatalogStore } from "../../../src/io/catalog/sqlite-catalog-store.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";
import { TEST_NOW } from "../../helpers/tui-catalog.ts";
import { catalogStoreContract } from "./catalog-store-contract.ts";

const dir = makeTempDir("sqlite-store");
afterAll(() => dir[Symbol.dispose]());
let count = 0;
let current = "";

function openAt(path: string, host: string) {
  return sqliteCatalogStore(openCatalogForWriting(path, { now: () => TEST_NOW }), { host });
}

describe("the SQLite catalog store", () => {
  catalogStoreContract({
    open: async (host) => {
      current = join(dir.path, `catalog-${count++}.db`);
      return openAt(current, host);
    },
    reopen: async (host) => openAt(current, host),
  });
});
