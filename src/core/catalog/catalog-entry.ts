import { z } from "zod";
import { MetricsInfo, PrimaryMetric, SAFETY_STATUSES } from "../metadata/metadata-schema.ts";
import { ENTRY_KINDS, ENTRY_STATUSES, SIDECAR_STATES } from "./catalog-constants.ts";

export const EntryStatus = z.enum(ENTRY_STATUSES);
export type EntryStatus = z.infer<typeof EntryStatus>;

export const SidecarState = z.enum(SIDECAR_STATES);
export type SidecarState = z.infer<typeof SidecarState>;

/** What the file system says about a checkpoint path: the part the incremental scan compares. */
export const FileFacts = z.object({
  path: z.string(),
  kind: z.enum(ENTRY_KINDS),
  dev: z.number(),
  ino: z.number(),
  size: z.number(),
  mtime_ms: z.number(),
  /** Set when another path names the same (dev, ino): a hard link or a symlink such as Lightning's `last.ckpt`. */
  alias_of: z.string().nullable(),
});
export type FileFacts = z.infer<typeof FileFacts>;

/** One catalog row as the TUI, `ls` and `best` see it (snake_case: it is printed by `ls --json`). */
export const CatalogEntry = FileFacts.extend({
  status: EntryStatus,
  run_dir: z.string().nullable(),
  exp_name: z.string().nullable(),
  task: z.string().nullable(),
  framework: z.string().nullable(),
  architecture: z.string().nullable(),
  encoder: z.string().nullable(),
  epoch: z.number().nullable(),
  global_step: z.number().nullable(),
  created_at: z.string().nullable(),
  primary_metric: PrimaryMetric.nullable(),
  metrics: MetricsInfo.nullable(),
  sidecar: SidecarState,
  safety: z.enum(SAFETY_STATUSES).nullable(),
  /** Why the entry has no metadata (which file, what went wrong), or null. */
  problem: z.string().nullable(),
  indexed_at: z.number(),
  /** The host whose disk holds the checkpoint: set in a shared catalog only (the local one is this host's). */
  host: z.string().optional(),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

/** A run directory and what the catalog knows about it; metric points live in their own table. */
export const CatalogRun = z.object({
  dir: z.string(),
  exp_name: z.string().nullable(),
  task: z.string().nullable(),
  config_path: z.string().nullable(),
  wandb_run_id: z.string().nullable(),
});
export type CatalogRun = z.infer<typeof CatalogRun>;
