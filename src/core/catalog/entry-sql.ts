import { assertNever } from "../assert-never.ts";
import type { EntryFilter, SortSpec } from "./entry-query.ts";
import type { ModifiedWindow } from "./modified-window.ts";

/** Columns of a `CatalogEntry` row (everything but the full metadata JSON). */
export const ENTRY_COLUMNS = [
  "path",
  "kind",
  "alias_of",
  "dev",
  "ino",
  "size",
  "mtime_ms",
  "status",
  "run_dir",
  "exp_name",
  "task",
  "framework",
  "architecture",
  "encoder",
  "epoch",
  "global_step",
  "created_at",
  "primary_name",
  "primary_value",
  "primary_higher",
  "metrics_json",
  "sidecar_state",
  "safety",
  "problem",
  "indexed_at",
] as const;

export type SqlValue = string | number | null;
/** Which SQL the statements are written in: the local SQLite catalog, or a shared PostgreSQL one. */
export type SqlDialect = "sqlite" | "postgres";
export type SqlQuery = { readonly sql: string; readonly params: readonly SqlValue[] };

export type EntrySqlOptions = {
  /** Absolute directories or files; entries at or below any of them. Empty: the whole catalog. */
  readonly roots: readonly string[];
  /** @default by path */
  readonly sort?: SortSpec;
  /** Substrings become SQL; a regex is applied by the caller (`matchesFilter`), so no LIMIT is set then. */
  readonly filter?: EntryFilter;
  /** Only checkpoints whose mtime falls in the window (`--since`/`--until`). */
  readonly modified?: ModifiedWindow;
  readonly limit?: number;
  /** Include hard-link and symlink rows. @default false */
  readonly includeAliases?: boolean;
  /** Only rows of these hosts (`ls --host`); a shared catalog only: the SQLite one has no host column. */
  readonly hosts?: readonly string[];
  /** Only these paths (a reader fetching the rows a change notice named). */
  readonly paths?: readonly string[];
  /** @default "sqlite" */
  readonly dialect?: SqlDialect;
  /** Leave `metrics` null: the JSON of every row is most of a 100k query's time. @default false */
  readonly withoutMetrics?: boolean;
};

/** `WHERE` conditions for the roots (`path = root OR path` below `root/`), with their parameters. */
export function rootCondition(roots: readonly string[]): SqlQuery | null {
  const trimmed = roots.map((root) => root.replace(/\/+$/, ""));
  if (trimmed.length === 0 || trimmed.includes("")) return null;
  // A range rather than a prefix test, so SQLite walks the path index instead of every row: every path under
  // `root/` sorts (bytewise) at or after `root/` and before `root0`, "0" being the byte after "/".
  const parts = trimmed.map(() => "(path = ? OR (path >= ? AND path < ?))");
  return {
    sql: `(${parts.join(" OR ")})`,
    params: trimmed.flatMap((root) => [root, `${root}/`, `${root}0`]),
  };
}

/** `WHERE` conditions for a modification-time window, or null when it is open on both ends. */
export function modifiedCondition(window: ModifiedWindow | undefined): SqlQuery | null {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (window?.since !== undefined) {
    parts.push("mtime_ms >= ?");
    params.push(window.since);
  }
  if (window?.until !== undefined) {
    parts.push("mtime_ms < ?");
    params.push(window.until);
  }
  return parts.length === 0 ? null : { sql: parts.join(" AND "), params };
}

/**
 * Primary entries (no aliases) under the roots (all of them when none) and, when given, modified in the window: the
 * rows every statistic counts, in either store's dialect (`?` parameters).
 */
export function primaryEntriesWhere(roots: readonly string[], modified?: ModifiedWindow): SqlQuery {
  const conditions = [rootCondition(roots), modifiedCondition(modified)].flatMap((part) => part ?? []);
  return {
    sql: ["alias_of IS NULL", ...conditions.map((part) => part.sql)].join(" AND "),
    params: conditions.flatMap((part) => part.params),
  };
}

function jsonPath(prefix: string, name: string): string {
  return `${prefix}."${name.replaceAll('"', '\\"')}"`;
}

/** A metric's value at a JSON path of `metrics_json`, as a number or NULL. */
function jsonNumber(dialect: SqlDialect): string {
  // PostgreSQL: the same `$."name"` path as SQLite's json_extract, through jsonpath; a JSON null becomes NULL.
  return dialect === "postgres"
    ? "(jsonb_path_query_first(metrics_json, ?::jsonpath) #>> '{}')::double precision"
    : "json_extract(metrics_json, ?)";
}

function sortExpression(sort: SortSpec, dialect: SqlDialect): SqlQuery {
  const key = sort.key;
  switch (key.kind) {
    case "field":
      return {
        sql: { path: "path", epoch: "epoch", step: "global_step", mtime: "mtime_ms", size: "size" }[
          key.field
        ],
        params: [],
      };
    case "primary":
      // Each entry's primary metric turned so that higher is better: `-primary` puts the best first.
      return { sql: "(CASE WHEN primary_higher = 0 THEN -primary_value ELSE primary_value END)", params: [] };
    case "metric": {
      // The primary value when it is this metric, else the first logged spelling an entry has (as metricValueOf).
      const paths = [
        jsonPath("$", key.canonical),
        ...[key.canonical, ...key.spellings].map((name) => jsonPath("$.additional_metrics", name)),
      ];
      const values = paths.map(() => jsonNumber(dialect)).join(", ");
      return {
        sql: `(CASE WHEN primary_canonical = ? OR primary_name = ? THEN primary_value ELSE coalesce(${values}) END)`,
        params: [key.canonical, key.name, ...paths],
      };
    }
    default:
      return assertNever(key);
  }
}

function orderBy(sort: SortSpec | undefined, dialect: SqlDialect): SqlQuery {
  if (sort === undefined) return { sql: "ORDER BY path", params: [] };
  const expression = sortExpression(sort, dialect);
  const direction = sort.descending ? "DESC" : "ASC";
  if (expression.sql === "path") return { sql: `ORDER BY path ${direction}`, params: [] };
  // Primary metrics differ between runs (an hmean is no mAP): entries of one metric sort together, by name.
  const byMetric = sort.key.kind === "primary" ? "primary_canonical IS NULL, primary_canonical, " : "";
  return {
    sql: `ORDER BY ${byMetric}(${expression.sql}) IS NULL, ${expression.sql} ${direction}, path`,
    params: [...expression.params, ...expression.params],
  };
}

/** `--filter TEXT` as a substring of path, experiment, architecture, framework or status (one `?`). */
function substringCondition(dialect: SqlDialect, caseSensitive: boolean): string {
  const newline = dialect === "postgres" ? "chr(10)" : "char(10)";
  const haystack = [
    "coalesce(path, '')",
    "coalesce(exp_name, '')",
    "coalesce(architecture, '')",
    "coalesce(framework, '')",
    "status",
  ].join(` || ${newline} || `);
  const within = dialect === "postgres" ? "strpos" : "instr";
  return caseSensitive ? `${within}(${haystack}, ?) > 0` : `${within}(lower(${haystack}), ?) > 0`;
}

/** The `SELECT` for `ls`: roots, substring filter, order (missing values last) and limit, as one parameterised query. */
export function buildEntrySql(options: EntrySqlOptions): SqlQuery {
  const dialect = options.dialect ?? "sqlite";
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  if (options.includeAliases !== true) conditions.push("alias_of IS NULL");
  const roots = rootCondition(options.roots);
  if (roots !== null) {
    conditions.push(roots.sql);
    params.push(...roots.params);
  }
  const modified = modifiedCondition(options.modified);
  if (modified !== null) {
    conditions.push(modified.sql);
    params.push(...modified.params);
  }
  if (options.paths !== undefined) {
    conditions.push(`path IN (${options.paths.map(() => "?").join(", ") || "NULL"})`);
    params.push(...options.paths);
  }
  if (options.hosts !== undefined) {
    conditions.push(`host IN (${options.hosts.map(() => "?").join(", ") || "NULL"})`);
    params.push(...options.hosts);
  }
  const filter = options.filter;
  if (filter?.kind === "substring") {
    conditions.push(substringCondition(dialect, filter.caseSensitive));
    params.push(filter.caseSensitive ? filter.text : filter.text.toLowerCase());
  }
  const order = orderBy(options.sort, dialect);
  params.push(...order.params);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : "";
  const limited = options.limit !== undefined && filter?.kind !== "regex";
  if (limited) params.push(options.limit ?? 0);
  // PostgreSQL keeps metrics as jsonb; rows carry them as the JSON text SQLite returns.
  const columns =
    dialect === "postgres"
      ? [
          ...ENTRY_COLUMNS.map((column) =>
            column === "metrics_json"
              ? options.withoutMetrics === true
                ? "NULL AS metrics_json"
                : "metrics_json::text AS metrics_json"
              : column,
          ),
          "host",
        ]
      : options.withoutMetrics === true
        ? ENTRY_COLUMNS.map((column) => (column === "metrics_json" ? "NULL AS metrics_json" : column))
        : ENTRY_COLUMNS;
  const sql = `SELECT ${columns.join(", ")} FROM checkpoints${where} ${order.sql}${limited ? " LIMIT ?" : ""}`;
  return { sql, params };
}
