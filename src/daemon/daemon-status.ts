import { z } from "zod";
import { formatDuration } from "../core/catalog/human-units.ts";
import { escapeControl } from "../core/text/escape-control.ts";

export const DAEMON_STATES = ["starting", "ready", "stopping"] as const;

/** One s3:// prefix of `ckpt watch s3://…`: polled here, or waiting while another host sharing the catalog polls it. */
export const S3PrefixStatus = z.object({
  root: z.string(),
  role: z.enum(["starting", "polling", "waiting"]),
  /** Until the next listing (polling), or the next ask for the lease (waiting). */
  interval_ms: z.number(),
  listings: z.number().int(),
  last_listing: z
    .object({
      at: z.string(),
      seconds: z.number(),
      added: z.number().int(),
      updated: z.number().int(),
      removed: z.number().int(),
      unchanged: z.number().int(),
      failed: z.number().int(),
    })
    .nullable(),
});
export type S3PrefixStatus = z.infer<typeof S3PrefixStatus>;

/** What `GET /status` answers and `ckpt status --json` prints. */
export const DaemonStatus = z.object({
  state: z.enum(DAEMON_STATES),
  pid: z.number().int(),
  version: z.string(),
  started_at: z.string(),
  uptime_seconds: z.number(),
  roots: z.array(z.string()),
  catalog: z.string(),
  /** `list`: s3:// prefixes, listed with ListObjectsV2 (object stores send no events). */
  mode: z.enum(["watch", "poll", "list"]),
  queue: z.object({
    queued: z.number().int(),
    in_flight: z.number().int(),
    /** Paths the settle scheduler is still looking at (being written, or just changed). */
    settling: z.number().int(),
    /** Of those, paths whose last look was incomplete. */
    incomplete: z.number().int(),
    /** Paths gone from disk whose rows wait for a removal batch (one queued job takes them 1,000 at a time). */
    removals: z.number().int().default(0),
  }),
  /** Checkpoints this daemon indexed since it started (events and reconcile reads). */
  checkpoints_indexed: z.number().int(),
  /** Primary checkpoints in the catalog. */
  catalog_checkpoints: z.number().int(),
  last_event: z.object({ at: z.string(), message: z.string() }).nullable(),
  errors_last_hour: z.number().int(),
  recent_errors: z.array(z.object({ at: z.string(), message: z.string(), path: z.string().nullable() })),
  last_reconcile: z
    .object({
      at: z.string(),
      seconds: z.number(),
      added: z.number().int(),
      updated: z.number().int(),
      removed: z.number().int(),
    })
    .nullable(),
  log: z.string().nullable(),
  /** `mode: list` only: each prefix and who polls it. */
  prefixes: z.array(S3PrefixStatus).optional(),
});
export type DaemonStatus = z.infer<typeof DaemonStatus>;

const MODE_NAMES = { watch: "inotify", poll: "polling", list: "listing s3:// prefixes" } as const;

function prefixLine(prefix: S3PrefixStatus): string {
  const every = `${prefix.interval_ms / 1000} s`;
  if (prefix.role === "starting") return `  ${prefix.root}: starting`;
  if (prefix.role === "waiting")
    return `  ${prefix.root}: another host sharing the catalog polls it; asking to take over every ${every}`;
  const last = prefix.last_listing;
  const what =
    last === null
      ? "not listed yet"
      : `last listed ${last.at} (${last.added} added, ${last.updated} updated, ${last.removed} removed, ${last.unchanged} unchanged, ${last.failed} failed)`;
  return `  ${prefix.root}: polled here every ${every}; ${what}`;
}

/** `ckpt status` for people: one fact per line. */
export function renderDaemonStatus(status: DaemonStatus): string {
  const { queue } = status;
  const lines = [
    `ckpt watch is ${status.state === "ready" ? "running" : status.state} (pid ${status.pid}, up ${formatDuration(status.uptime_seconds)}, ${MODE_NAMES[status.mode]})`,
    `roots:       ${status.roots.join(", ")}`,
    ...(status.prefixes ?? []).map(prefixLine),
    `catalog:     ${status.catalog} (${status.catalog_checkpoints} checkpoints)`,
    `indexed:     ${status.checkpoints_indexed} since start`,
    `queue:       ${queue.queued} queued, ${queue.in_flight} in flight, ${queue.settling} settling (${queue.incomplete} incomplete)${queue.removals > 0 ? `, ${queue.removals} removals` : ""}`,
    `last event:  ${status.last_event === null ? "none yet" : `${status.last_event.at} ${status.last_event.message}`}`,
    `errors:      ${status.errors_last_hour} in the last hour`,
    ...status.recent_errors.slice(-5).map((error) => `  ${error.at} ${error.message}`),
  ];
  if (status.last_reconcile !== null) {
    const r = status.last_reconcile;
    lines.push(
      `reconciled:  ${r.at} (${r.added} added, ${r.updated} updated, ${r.removed} removed in ${r.seconds} s)`,
    );
  }
  if (status.log !== null) lines.push(`log:         ${status.log}`);
  // Roots, the last event and errors name files from disk: each line is escaped whole.
  return `${lines.map(escapeControl).join("\n")}\n`;
}
