import type { SQL } from "bun";
import type { SqlValue } from "../../core/catalog/entry-sql.ts";
import { positional } from "./postgres-connection.ts";
import { ROW_SIGNATURE, RUN_STAMP } from "./sqlite-host-rows.ts";

// What this host has published to the shared catalog, read back when `ckpt watch` starts (see `host-publisher.ts`);
// the publication itself is the store's `applyChanges`.

async function keyedValues(sql: SQL, text: string, host: string): Promise<Map<string, string>> {
  const rows = (await sql.unsafe(positional(text), [host]).values()) as SqlValue[][];
  return new Map(rows.map(([key, ...values]) => [String(key), JSON.stringify(values)]));
}

/** This host's rows' signatures in the shared catalog, by path (as `localRowSignatures` computes them). */
export function sharedRowSignatures(sql: SQL, host: string): Promise<Map<string, string>> {
  return keyedValues(sql, `SELECT path, ${ROW_SIGNATURE.join(", ")} FROM checkpoints WHERE host = ?`, host);
}

/** This host's runs' stamps in the shared catalog, by directory (as `localRunStamp` computes them). */
export function sharedRunStamps(sql: SQL, host: string): Promise<Map<string, string>> {
  return keyedValues(sql, `SELECT dir, ${RUN_STAMP.join(", ")} FROM runs WHERE host = ?`, host);
}
