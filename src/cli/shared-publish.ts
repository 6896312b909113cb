import { catalogHost } from "../io/catalog/catalog-host.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import type { HostPublisher, Publication } from "../io/catalog/host-publisher.ts";
import type { PostgresCatalogStore } from "../io/catalog/postgres-catalog-store.ts";
import type { Logger } from "../io/process/logger.ts";
import type { CommandContext } from "./command.ts";

/** After `ckpt scan` into this host's working catalog: its rows published to the shared catalog, or null. */
export async function publishAfterScan(
  context: CommandContext,
  location: CatalogLocation,
): Promise<(Publication & { readonly catalog: string; readonly host: string }) | null> {
  if (location.shared === undefined) return null;
  const { openPostgresCatalogStore } = await import("../io/catalog/postgres-catalog-store.ts");
  const { publishHostRows } = await import("../io/catalog/host-publisher.ts");
  const { openCatalogForReading } = await import("../io/catalog/catalog-db.ts");
  const local = openCatalogForReading(location.path);
  if (!local.success) return null;
  // One publication, its statements one after another: one connection (one server backend), not a pool of four.
  const shared = await openPostgresCatalogStore(location.shared, {
    host: catalogHost(context.env),
    connections: 1,
  });
  try {
    const { published: _state, ...publication } = await publishHostRows(local.data, shared);
    return { ...publication, catalog: shared.name, host: shared.host };
  } finally {
    local.data.close();
    await shared.close();
  }
}

/** What `ckpt scan` prints under its summary when it published. */
export function renderPublication(publication: Awaited<ReturnType<typeof publishAfterScan>>): string {
  if (publication === null) return "";
  const { upserted, removed, catalog, host } = publication;
  return `published to ${catalog} as host ${host}: ${upserted} rows updated, ${removed} removed\n`;
}

/** A shared catalog store as `ckpt watch` opens it, writing as this host; null with a local catalog. */
export async function openWatchStore(
  context: CommandContext,
  location: CatalogLocation,
): Promise<PostgresCatalogStore | null> {
  if (location.shared === undefined) return null;
  const { openPostgresCatalogStore } = await import("../io/catalog/postgres-catalog-store.ts");
  return openPostgresCatalogStore(location.shared, { host: catalogHost(context.env) });
}

/**
 * While `ckpt watch` runs: this host's rows follow the local catalog into the shared one, one log line each.
 * With `shared`, publishes through that store (the caller's, which it closes); else opens one of its own.
 */
export async function startWatchPublisher(
  context: CommandContext,
  options: {
    readonly location: CatalogLocation;
    readonly logger: Logger;
    readonly shared?: PostgresCatalogStore | null;
  },
): Promise<HostPublisher | null> {
  const { location, logger } = options;
  const shared = options.shared ?? (await openWatchStore(context, location));
  if (shared === null) return null;
  const { startHostPublisher } = await import("../io/catalog/host-publisher.ts");
  logger.log("info", "publishing to the shared catalog", { catalog: shared.name, host: shared.host });
  const publisher = startHostPublisher({
    catalogPath: location.path,
    shared,
    onPublished: (publication) => logger.log("info", "published to the shared catalog", { ...publication }),
    onError: (error) =>
      logger.log("error", "could not publish to the shared catalog; retrying", {
        catalog: shared.name,
        cause: error instanceof Error ? error.message : String(error),
      }),
  });
  const owned = options.shared === undefined || options.shared === null;
  return {
    stop: async () => {
      await publisher.stop();
      if (owned) await shared.close();
    },
  };
}
