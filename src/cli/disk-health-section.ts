import type { Database } from "bun:sqlite";
import type { DiskHealth } from "../core/health/disk-health.ts";
import { renderDiskHealth } from "../core/health/disk-health-text.ts";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import { knownRoots } from "../io/catalog/catalog-reads.ts";
import { readDiskHealth } from "../io/disk/disk-health-report.ts";
import { openForQuery } from "./catalog-session.ts";

/** The health block `ckpt status` adds to the daemon's state, or why it could not be read. */
export type HealthSection = { readonly health: DiskHealth } | { readonly health_problem: string };

/** Why the block could not be read, as it says it. */
function healthProblem(error: unknown): HealthSection {
  return { health_problem: error instanceof Error ? error.message : String(error) };
}

/**
 * Disk and run health of the roots (null: the catalog's own roots), read from an open catalog (null: none yet).
 * An s3:// prefix has no filesystem to measure: left out, whether asked for or recorded.
 */
export function healthSectionOf(
  database: Database | null,
  options: { readonly roots: readonly string[] | null; readonly nowMs: number },
): HealthSection {
  try {
    const roots = (options.roots ?? (database === null ? [] : knownRoots(database))).filter(
      (root) => !isS3Url(root),
    );
    return { health: readDiskHealth(database, { roots, nowMs: options.nowMs }) };
  } catch (error) {
    return healthProblem(error);
  }
}

/**
 * The block read from the catalog at `location`, opened read-only for it. A catalog that cannot be read is a
 * problem of this block only: `status` still answers whether the daemon runs.
 */
export function readHealthSection(
  location: CatalogLocation,
  options: { readonly roots: readonly string[] | null; readonly nowMs: number },
): HealthSection {
  try {
    const database = openForQuery(location);
    try {
      return healthSectionOf(database, options);
    } finally {
      database?.close();
    }
  } catch (error) {
    return healthProblem(error);
  }
}

/** The block as lines for people, each escaped (roots and run directories are names from disk). */
export function renderHealthSection(section: HealthSection): string {
  const lines =
    "health" in section
      ? renderDiskHealth(section.health)
      : [`disk:        unknown: ${section.health_problem}`];
  return `${lines.map(escapeControl).join("\n")}\n`;
}
