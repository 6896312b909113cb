import { isOneOf, SIDECAR_WORTHY_STATUSES } from "./catalog-constants.ts";
import type { CatalogEntry } from "./catalog-entry.ts";

/**
 * A checkpoint read whole (a sidecar could be written for it) that has none: what a scan reports as "read, no
 * sidecar", for files and objects alike. `--sidecars off` leaves its rows `off`, not missing.
 */
export function lacksSidecar(entry: Pick<CatalogEntry, "sidecar" | "status">): boolean {
  return entry.sidecar === "missing" && isOneOf(SIDECAR_WORTHY_STATUSES, entry.status);
}
