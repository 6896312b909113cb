import { createHash } from "node:crypto";
import { AppError } from "../core/errors/app-error.ts";
import { requestControl } from "../daemon/control-socket.ts";
import { DaemonStatus } from "../daemon/daemon-status.ts";
import { type RuntimePaths, resolveRuntimePaths } from "../daemon/runtime-paths.ts";
import { checkCatalogReadable } from "../io/catalog/catalog-db.ts";
import { type LockHolder, readLockHolder } from "../io/catalog/catalog-lock.ts";
import type { CommandContext, ProcessControl } from "./command.ts";

/** The process seam; `watch`, `stop` and `status` cannot work without it (main always passes it). */
export function processControlOf(context: CommandContext, command: string): ProcessControl {
  if (context.process === undefined)
    throw new AppError(
      "internal",
      `${command}: needs process control, which this embedding of ckpt does not pass`,
    );
  return context.process;
}

/** One daemon per catalog: the socket name carries a short hash of the catalog path. */
export function daemonPathsFor(
  context: Pick<CommandContext, "env">,
  catalogPath: string,
  uid: number,
): RuntimePaths {
  const instance = createHash("sha256").update(catalogPath).digest("hex").slice(0, 10);
  return resolveRuntimePaths({ env: context.env, uid, home: context.env["HOME"] ?? "/", instance });
}

/** What `status` and `stop` found. */
export type DaemonContact =
  | { readonly kind: "answering"; readonly status: DaemonStatus; readonly socketPath: string }
  /** The catalog's lock holder is a live `ckpt watch`, but its socket does not answer (removed, or wedged). */
  | {
      readonly kind: "silent";
      readonly holder: LockHolder;
      readonly socketPath: string;
      readonly reason: string;
    }
  | { readonly kind: "absent"; readonly socketPath: string };

/**
 * A watcher takes the catalog lock first and binds its socket just after: one that took the lock this recently
 * and has no socket yet is starting, and is asked again until it answers (or this long has passed since its start).
 */
const STARTING_GRACE_MS = 10_000;
const STARTING_RETRY_MS = 50;

function startingUp(holder: LockHolder, answer: Awaited<ReturnType<typeof requestControl>>, nowMs: number) {
  if (answer.success || answer.error.code !== "not-running") return false;
  const startedMs = Date.parse(holder.started_at);
  return Number.isFinite(startedMs) && nowMs - startedMs < STARTING_GRACE_MS;
}

/**
 * Asks the daemon of `catalogPath` over its socket, else looks at the lock holder's pid. A watcher still starting
 * is waited for; `onStarting` is told once when that wait begins.
 */
export async function contactDaemon(
  context: CommandContext,
  control: ProcessControl,
  catalogPath: string,
  onStarting?: (holder: LockHolder) => void,
): Promise<DaemonContact> {
  const { socketPath } = daemonPathsFor(context, catalogPath, control.uid);
  // Counted, not timed: a frozen or stepped clock cannot make this wait longer than the grace.
  for (let attempt = 0; ; attempt++) {
    const answer = await requestControl({ socketPath, request: "status" });
    if (answer.success) {
      const status = DaemonStatus.safeParse(answer.data);
      if (status.success) return { kind: "answering", status: status.data, socketPath };
    }
    const holder = readLockHolder(catalogPath);
    if (holder === null || holder.command !== "watch" || !control.kill(holder.pid, 0)) break;
    if (!startingUp(holder, answer, context.now()) || attempt >= STARTING_GRACE_MS / STARTING_RETRY_MS) {
      const reason = answer.success ? "it answered in an unexpected shape" : answer.error.message;
      return { kind: "silent", holder, socketPath, reason };
    }
    if (attempt === 0) onStarting?.(holder);
    await Bun.sleep(STARTING_RETRY_MS);
  }
  // Another user's catalog hides its lock holder: that is not "not running".
  const readable = checkCatalogReadable(catalogPath);
  if (!readable.success && readable.error.kind === "permission-denied")
    throw new AppError("permission-denied", readable.error.message);
  return { kind: "absent", socketPath };
}
