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
export function daemonPathsFor(context: CommandContext, catalogPath: string, uid: number): RuntimePaths {
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

/** Asks the daemon of `catalogPath` over its socket, else looks at the lock holder's pid. */
export async function contactDaemon(
  context: CommandContext,
  control: ProcessControl,
  catalogPath: string,
): Promise<DaemonContact> {
  const { socketPath } = daemonPathsFor(context, catalogPath, control.uid);
  const answer = await requestControl({ socketPath, request: "status" });
  if (answer.success) {
    const status = DaemonStatus.safeParse(answer.data);
    if (status.success) return { kind: "answering", status: status.data, socketPath };
  }
  const holder = readLockHolder(catalogPath);
  if (holder !== null && holder.command === "watch" && control.kill(holder.pid, 0)) {
    const reason = answer.success ? "it answered in an unexpected shape" : answer.error.message;
    return { kind: "silent", holder, socketPath, reason };
  }
  // Another user's catalog hides its lock holder: that is not "not running".
  const readable = checkCatalogReadable(catalogPath);
  if (!readable.success && readable.error.kind === "permission-denied")
    throw new AppError("permission-denied", readable.error.message);
  return { kind: "absent", socketPath };
}
