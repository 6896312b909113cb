// Literal tables of the catalog model, kept free of zod so the query path (`ckpt ls`) starts without loading it.

/** What the reader said about the file; `unread` means no reader was available when it was indexed. */
export const ENTRY_STATUSES = [
  "ok",
  "incomplete",
  "corrupt",
  "not-a-checkpoint",
  "unsafe",
  "too-large",
  "unread",
] as const;

/** Statuses of a checkpoint read whole: a sidecar can be written for it (an unsafe one's says so). */
export const SIDECAR_WORTHY_STATUSES = [
  "ok",
  "unsafe",
] as const satisfies readonly (typeof ENTRY_STATUSES)[number][];

/**
 * The sidecar as the scan left it: `valid` (read, current), `invalid` (kept, entry rebuilt from the checkpoint),
 * `stale` (records another size/mtime than the file and was not ours to rewrite), `missing`, `off` (`--sidecars off`).
 */
export const SIDECAR_STATES = ["valid", "invalid", "stale", "missing", "off"] as const;

export const ENTRY_KINDS = ["file", "hf-dir", "sharded-dir"] as const;

/** `--sidecars`: write missing/stale-ours sidecars, only read them, or ignore them. */
export const SIDECAR_MODES = ["write", "read", "off"] as const;
export type SidecarMode = (typeof SIDECAR_MODES)[number];

/** Membership test for the tables above, as a type guard. */
export function isOneOf<const T extends string>(table: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (table as readonly string[]).includes(value);
}
