import { z } from "zod";

// Its own module: the catalog scan imports only the type, so a scan that finds nothing to read never loads zod
// for it; the daemon's control socket validates a scan it ran for `ckpt scan` against the schema.

/** What one incremental scan did; `ckpt scan --json` prints it. */
export const ScanSummary = z.object({
  added: z.number().int(),
  updated: z.number().int(),
  removed: z.number().int(),
  unchanged: z.number().int(),
  failed: z.number().int(),
  seconds: z.number(),
  sidecars_written: z.number().int(),
  /** Checkpoints read whole in this scan that have no sidecar (`--sidecars read`, or it could not be written). */
  sidecars_missing: z.number().int(),
  failures: z.array(z.string()),
});
export type ScanSummary = z.infer<typeof ScanSummary>;
