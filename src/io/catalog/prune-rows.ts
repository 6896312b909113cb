import type { Database } from "bun:sqlite";
import { ENTRY_STATUSES, SIDECAR_STATES } from "../../core/catalog/catalog-constants.ts";
import type { CatalogEntry } from "../../core/catalog/catalog-entry.ts";
import { rootCondition, type SqlValue } from "../../core/catalog/entry-sql.ts";
import { isWithin } from "../scan/walk-paths.ts";
import { metricsOf } from "./catalog-rows.ts";

/**
 * The columns a prune plan reads, in this order: its identity and facts (freshness, hard links, bytes), its run,
 * its place in the run (step, epoch, mtime), its primary metric and whether it has a sidecar.
 */
const PLAN_COLUMNS = [
  "path",
  "kind",
  "alias_of",
  "dev",
  "ino",
  "size",
  "mtime_ms",
  "status",
  "run_dir",
  "framework",
  "epoch",
  "global_step",
  "primary_name",
  "primary_value",
  "primary_higher",
  "sidecar_state",
] as const;

/** A row of `PLAN_COLUMNS` as bun:sqlite gives it (SQLite's integers fit a number: bigints are not asked for). */
type PlanRow = Readonly<Record<(typeof PLAN_COLUMNS)[number], unknown>>;

/**
 * Each name by itself, so an entry keeps the table's one string rather than its row's copy (200k fewer strings
 * live in a 100k plan); maps rather than `isOneOf`'s list scan: two lookups per row.
 */
function namesOf<T extends string>(names: readonly T[]): ReadonlyMap<unknown, T> {
  return new Map(names.map((name) => [name, name]));
}

const STATUSES = namesOf(ENTRY_STATUSES);
const SIDECAR_STATE_NAMES = namesOf(SIDECAR_STATES);

function statusOf(value: unknown): CatalogEntry["status"] {
  return STATUSES.get(value) ?? "unread";
}

function sidecarOf(value: unknown): CatalogEntry["sidecar"] {
  return SIDECAR_STATE_NAMES.get(value) ?? "missing";
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === "number" ? value : null;
}

/**
 * One string per distinct value: SQLite gives every row its own copy of a run directory or metric name, and a
 * plan uses them as map keys many times over (a copy's hash is computed on each first use, a shared one once).
 */
class Interned {
  readonly #known = new Map<string, string>();
  #last = "";

  of(value: unknown): string | null {
    if (typeof value !== "string") return null;
    // Rows come run by run: mostly the value of the row before (a comparison, not a hash lookup).
    if (value === this.#last) return this.#last;
    const known = this.#known.get(value) ?? this.#remember(value);
    this.#last = known;
    return known;
  }

  #remember(value: string): string {
    this.#known.set(value, value);
    return value;
  }
}

/** One row as an entry; what planning never reads (task, architecture, metadata, …) is left null. */
/** One `Interned` per column, so each remembers its own column's last value. */
type InternedColumns = { readonly run: Interned; readonly framework: Interned; readonly metric: Interned };

function planEntry(row: PlanRow, interned: InternedColumns): CatalogEntry {
  const { kind, primary_value: primaryValue } = row;
  const name = interned.metric.of(row.primary_name);
  return {
    path: text(row.path) ?? "",
    kind: kind === "hf-dir" || kind === "sharded-dir" ? kind : "file",
    alias_of: text(row.alias_of),
    dev: num(row.dev) ?? 0,
    ino: num(row.ino) ?? 0,
    size: num(row.size) ?? 0,
    mtime_ms: num(row.mtime_ms) ?? 0,
    status: statusOf(row.status),
    run_dir: interned.run.of(row.run_dir),
    exp_name: null,
    task: null,
    framework: interned.framework.of(row.framework),
    architecture: null,
    encoder: null,
    epoch: num(row.epoch),
    global_step: num(row.global_step),
    created_at: null,
    primary_metric:
      name === null ? null : { name, value: num(primaryValue), higher_is_better: row.primary_higher === 1 },
    metrics: null,
    sidecar: sidecarOf(row.sidecar_state),
    safety: null,
    problem: null,
    indexed_at: 0,
  };
}

// Objects in a bucket (`s3://…` rows) are never planned: prune deletes on this machine's disks only. Their paths
// sort from "s3://" to "s3:/0" ("0" is the byte after "/"), so this is a range on the path index.
const NOT_OBJECTS = "NOT (path >= 's3://' AND path < 's3:/0')";

/** The first or last path on this machine's disks (absolute paths: from "/" to before "0"); one index seek. */
function localPathAt(database: Database, end: "min" | "max"): unknown {
  return database
    .query<{ path: unknown }, []>(`SELECT ${end}(path) AS path FROM checkpoints WHERE path < '0'`)
    .get()?.path;
}

/**
 * Whether one root holds every row on this machine's disks: its first and last path (in the path index's order)
 * both lie under it, and paths under a root are one contiguous stretch of that order. Then one pass over the table
 * reads them faster than the index (the usual prune: the whole directory the catalog covers).
 */
function oneRootHoldsEveryLocalRow(database: Database, roots: readonly string[]): boolean {
  const first = localPathAt(database, "min");
  const last = localPathAt(database, "max");
  if (typeof first !== "string" || typeof last !== "string") return false;
  return roots.some((root) => {
    const trimmed = root.replace(/\/+$/, "");
    return trimmed !== "" && isWithin(first, trimmed) && isWithin(last, trimmed);
  });
}

/**
 * The rows under the roots (every row on a disk without roots), in rowid order: through the path index, or one
 * pass over the table when a root holds them all (the `+` keeps SQLite off the index: 100k rows in ~0.78 of the
 * time, no temporary set of rowids).
 */
function underRoots(
  database: Database,
  roots: readonly string[],
): { readonly sql: string; readonly params: SqlValue[] } {
  const where = rootCondition(roots);
  if (where === null) return { sql: ` WHERE ${NOT_OBJECTS}`, params: [] };
  if (oneRootHoldsEveryLocalRow(database, roots)) return { sql: " WHERE +path < '0'", params: [] };
  // Rowids only from the path index (a covering scan), then the rows in rowid order: reading each row at its
  // index position costs twice as much when the roots hold most of the catalog.
  return {
    sql: ` WHERE rowid IN (SELECT rowid FROM checkpoints WHERE ${where.sql})`,
    params: [...where.params],
  };
}

/**
 * Every row under the roots (links included: their targets stay) with only the columns a prune plan reads: a
 * 100k-row plan spent half a second in the full `queryEntries`. Metrics blocks are not read; `withPlanMetrics`
 * adds them where `--keep-best` needs one. `onEntry`: each entry as it is read (while the next rows are read).
 */
export function planEntries(
  database: Database,
  roots: readonly string[],
  onEntry?: (entry: CatalogEntry) => void,
): CatalogEntry[] {
  const within = underRoots(database, roots);
  const sql = `SELECT ${PLAN_COLUMNS.join(", ")} FROM checkpoints${within.sql}`;
  // Row by row: 100k rows never sit in memory beside the entries made of them.
  const interned = { run: new Interned(), framework: new Interned(), metric: new Interned() };
  const entries: CatalogEntry[] = [];
  for (const row of database.query<PlanRow, SqlValue[]>(sql).iterate(...within.params)) {
    const entry = planEntry(row, interned);
    entries.push(entry);
    onEntry?.(entry);
  }
  return entries;
}

/** Up to this many metrics blocks are looked up by path; more are read in one pass over the roots. */
const LOOKUPS_BY_PATH = 256;

function metricsJsonOf(
  database: Database,
  wanted: { readonly roots: readonly string[]; readonly paths: ReadonlySet<string> },
): Map<string, SqlValue> {
  const found = new Map<string, SqlValue>();
  if (wanted.paths.size <= LOOKUPS_BY_PATH) {
    const statement = database.query<{ metrics_json: SqlValue }, [string]>(
      "SELECT metrics_json FROM checkpoints WHERE path = ?",
    );
    for (const path of wanted.paths) found.set(path, statement.get(path)?.metrics_json ?? null);
    return found;
  }
  const within = underRoots(database, wanted.roots);
  const sql = `SELECT path, metrics_json FROM checkpoints${within.sql}`;
  const rows = database.query<Record<string, SqlValue>, SqlValue[]>(sql).values(...within.params);
  for (const [path, json] of rows)
    if (typeof path === "string" && wanted.paths.has(path))
      found.set(path, typeof json === "string" ? json : null);
  return found;
}

/** The entries with the metrics block of each path in `paths` read in (its JSON parsed), the others as they are. */
export function withPlanMetrics(
  database: Database,
  entries: readonly CatalogEntry[],
  wanted: { readonly roots: readonly string[]; readonly paths: ReadonlySet<string> },
): CatalogEntry[] {
  const json = metricsJsonOf(database, wanted);
  return entries.map((entry) => {
    const metrics = json.get(entry.path);
    return metrics === undefined ? entry : { ...entry, metrics: metricsOf(metrics) };
  });
}
