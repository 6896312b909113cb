import { lacksSidecar } from "../core/catalog/sidecar-missing.ts";
import type { ReadOutcome } from "../io/scan/index-one.ts";
import type { JobContext } from "./daemon-jobs.ts";

/**
 * A sidecar ckpt meant to write and could not (a full disk, a read-only mount, a directory it may not write) is
 * tried again with backoff, then at each reconcile; one that got written ends its retries.
 */
export function noteSidecarOutcome(context: JobContext, outcome: ReadOutcome): void {
  const { entry } = outcome;
  const key = `sidecar:${entry.path}`;
  const failed =
    context.sidecars === "write" &&
    outcome.wrote === null &&
    outcome.warning !== null &&
    lacksSidecar(entry) &&
    entry.metadata !== null;
  if (!failed) {
    context.retries.succeeded(key);
    // Written at last: should it fail again later, that is a new problem worth a line.
    if (outcome.wrote !== null) context.journal.clear(key);
    return;
  }
  // The identity it was read at: a file rewritten meanwhile settles and is indexed anew instead.
  const identity = { size: entry.size, mtimeMs: entry.mtime_ms, ino: entry.ino };
  context.retries.schedule(key, { kind: "index", path: entry.path, identity, sidecarRetry: true });
}

/** One line per checkpoint read, a line per sidecar written, and each problem once with its path. */
export function logReadOutcome(context: JobContext, outcome: ReadOutcome): void {
  const { entry, wrote, warning } = outcome;
  const { journal } = context;
  context.counters.indexed++;
  const primary = entry.primary_metric;
  journal.log("info", "checkpoint indexed", {
    path: entry.path,
    status: entry.status,
    epoch: entry.epoch ?? undefined,
    step: entry.global_step ?? undefined,
    metric: primary?.name,
    value: primary?.value ?? undefined,
  });
  if (wrote !== null)
    journal.log("info", "sidecar written", {
      path: wrote,
      checkpoint: entry.path,
      size: entry.metadata?.ckpt?.file?.size ?? entry.size,
    });
  if (warning !== null)
    journal.once(`sidecar:${entry.path}`, "warn", "sidecar problem", { path: entry.path, cause: warning });
  noteSidecarOutcome(context, outcome);
  logStatus(context, entry);
}

/** A status other than ok: an unsafe pickle or an unreadable file once, a file still being written settled again. */
function logStatus(context: JobContext, entry: ReadOutcome["entry"]): void {
  const { journal } = context;
  if (entry.status === "unsafe") {
    const dangerous = entry.metadata?.ckpt?.safety?.dangerous ?? [];
    journal.once(
      `unsafe:${entry.path}:${entry.size}`,
      "warn",
      "unsafe checkpoint: its pickle would run code on load (not executed)",
      {
        path: entry.path,
        globals: dangerous.join(",") || undefined,
      },
    );
  } else if (entry.status === "incomplete") {
    // A reconcile met a file still being written: settle it, and it is indexed once it is complete. Settling
    // logs "checkpoint being written" at its first incomplete look, so this is detail.
    journal.log("debug", "file incomplete, waiting", { path: entry.path, cause: entry.problem ?? undefined });
    context.renotice(entry.path);
  } else if (entry.status !== "ok")
    journal.once(`status:${entry.path}:${entry.size}`, "warn", "checkpoint not readable", {
      path: entry.path,
      status: entry.status,
      cause: entry.problem ?? undefined,
    });
}
