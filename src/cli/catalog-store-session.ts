import type { Database } from "bun:sqlite";
import { AppError } from "../core/errors/app-error.ts";
import { didYouMean, nearestNames } from "../core/suggestions/nearest-names.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import { catalogHost } from "../io/catalog/catalog-host.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import type { CatalogStore } from "../io/catalog/catalog-store.ts";
import { sqliteCatalogStore } from "../io/catalog/sqlite-catalog-store.ts";
import { openForQuery } from "./catalog-session.ts";
import type { CommandContext } from "./command.ts";

/**
 * The catalog a query reads: the shared PostgreSQL one when `--catalog`/`CKPT_CATALOG` names a server, else the
 * local SQLite file (null when it does not exist yet, as `openForQuery` says).
 */
export async function openQueryStore(
  context: CommandContext,
  location: CatalogLocation,
  /** This host's catalog when the caller has opened it already (`stats` reads it for the health block too). */
  local?: Database | null,
): Promise<CatalogStore | null> {
  const host = catalogHost(context.env);
  if (location.shared !== undefined) {
    // Loaded only for a shared catalog: a local query never pulls in the PostgreSQL client.
    const { openPostgresCatalogStore } = await import("../io/catalog/postgres-catalog-store.ts");
    // A query asks one thing at a time: one connection (one server backend) instead of a pool of four.
    return openPostgresCatalogStore(location.shared, { host, connections: 1 });
  }
  const database = local === undefined ? openForQuery(location) : local;
  return database === null ? null : sqliteCatalogStore(database, { host });
}

/** What messages call the catalog: its file, or the server's URL without a password. */
export function catalogName(location: CatalogLocation, store: CatalogStore | null): string {
  return store?.name ?? location.path;
}

/**
 * `--host a,b` as host names the catalog has rows of; a typo is a usage error with the nearest names. Undefined
 * without the flag (every host).
 */
export async function resolveHostFlag(
  command: string,
  text: string | undefined,
  store: CatalogStore | null,
): Promise<string[] | undefined> {
  if (text === undefined) return undefined;
  const typed = text
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const known = store === null ? [] : await store.hosts();
  const unknown = typed.find((name) => !known.includes(name));
  if (unknown === undefined && typed.length > 0) return typed;
  const hint = didYouMean(nearestNames(unknown ?? "", known).map(escapeControl));
  const listed =
    known.length === 0 ? "the catalog has no rows yet" : `hosts: ${known.map(escapeControl).join(", ")}`;
  throw new AppError(
    "usage",
    `${command}: unknown host '${escapeControl(unknown ?? text)}'.${hint === "" ? "" : ` ${hint}`} (${listed})`,
  );
}
