import { formatBytes } from "./human-units.ts";

/** What `ckpt stats` reports; aggregated by the database, rendered here. */
export type CatalogStats = {
  readonly checkpoints: number;
  /** Entries whose sidecar was read and valid. */
  readonly sidecars_valid: number;
  /** sidecars_valid / checkpoints × 100, one decimal; 0 for an empty catalog. */
  readonly metadata_coverage_percent: number;
  readonly by_framework: Readonly<Record<string, number>>;
  readonly by_status: Readonly<Record<string, number>>;
  readonly runs: number;
  readonly total_bytes: number;
  /** ISO time of the last completed scan, or null when the catalog was never scanned. */
  readonly last_scan_at: string | null;
  readonly catalog: string;
};

export function coveragePercent(valid: number, total: number): number {
  return total === 0 ? 0 : Math.round((valid / total) * 1000) / 10;
}

function counts(record: Readonly<Record<string, number>>): string {
  const parts = Object.entries(record)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([name, count]) => `${name} ${count}`);
  return parts.length === 0 ? "—" : parts.join(", ");
}

export function renderCatalogStats(stats: CatalogStats): string {
  return [
    `checkpoints        ${stats.checkpoints} in ${stats.runs} runs`,
    `metadata coverage  ${stats.metadata_coverage_percent.toFixed(1)}% (${stats.sidecars_valid} valid sidecars)`,
    `frameworks         ${counts(stats.by_framework)}`,
    `status             ${counts(stats.by_status)}`,
    `total size         ${formatBytes(stats.total_bytes)} (${stats.total_bytes} bytes)`,
    `last scan          ${stats.last_scan_at ?? "never"}`,
    `catalog            ${stats.catalog}`,
    "",
  ].join("\n");
}
