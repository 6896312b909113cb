import { z } from "zod";
import { SIDECAR_MODES, type SidecarMode } from "../core/catalog/catalog-constants.ts";
import { fail, type Result } from "../core/result.ts";
import { ScanSummary } from "../io/scan/scan-summary.ts";

/**
 * A scan the daemon runs because someone asked and waits for it: `ckpt scan DIR` (or `ls DIR`) of a directory it
 * does not watch, which it scans once as `ckpt scan` would, or the catch-up of a root `ckpt watch --add` gave it.
 * The daemon holds the catalog lock, so these go through its work queue instead of a second writer.
 */
export type RootScan = {
  readonly roots: readonly string[];
  readonly sidecars: SidecarMode;
  readonly recursive: boolean;
  /** Follow symlinks out of the roots too (the requester's `--follow-symlinks`). */
  readonly followSymlinks: boolean;
  /** `scan`: the one-shot incremental scan; `catch-up`: a new root's reconcile (its own sidecars of deleted checkpoints go too). */
  readonly purpose: "scan" | "catch-up";
};

/** The body of `POST /scan`. */
export const ScanRequestBody = z.object({
  roots: z.array(z.string()).min(1),
  sidecars: z.enum(SIDECAR_MODES),
  recursive: z.boolean(),
  // Absent from an older ckpt's request: its walk never followed symlinks out of the roots.
  followSymlinks: z.boolean().default(false),
});
export type ScanRequestBody = z.infer<typeof ScanRequestBody>;

/** The body of `POST /add-root` and `POST /remove-root`. */
export const RootRequestBody = z.object({ root: z.string() });

/** What a requested scan did: the `data` of the `scan` and `add-root` replies. */
export const RootScanResult = z.object({
  summary: ScanSummary,
  /** Sidecars that could not be written or were kept invalid, walk problems: what `ckpt scan` prints to stderr. */
  warnings: z.array(z.string()),
});
export type RootScanResult = z.infer<typeof RootScanResult>;

/** Requesters waiting for their scan job; each job carries only its id, so the queue holds plain data. */
export type ScanWaiters = {
  /** A new id and a promise that settles when `finish(id, …)` is called. */
  start(): { readonly id: number; readonly done: Promise<RootScanResult> };
  finish(id: number, result: Result<RootScanResult, string>): void;
  /** The daemon is stopping: every scan still waiting fails with `why`. */
  failAll(why: string): void;
};

export function createScanWaiters(): ScanWaiters {
  const waiting = new Map<number, (result: Result<RootScanResult, string>) => void>();
  let next = 0;
  return {
    start() {
      const id = ++next;
      const done = new Promise<RootScanResult>((resolve, reject) => {
        waiting.set(id, (result) =>
          result.success ? resolve(result.data) : reject(new Error(result.error)),
        );
      });
      return { id, done };
    },
    finish(id, result) {
      waiting.get(id)?.(result);
      waiting.delete(id);
    },
    failAll(why) {
      for (const settle of waiting.values()) settle(fail(why));
      waiting.clear();
    },
  };
}
