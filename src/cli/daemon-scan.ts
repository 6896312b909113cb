import { sendControlCommand } from "../daemon/control-socket.ts";
import { rootCovering } from "../daemon/daemon-roots.ts";
import { RootScanResult } from "../daemon/root-scan.ts";
import type { LockHolder } from "../io/catalog/catalog-lock.ts";
import type { ScanRequest } from "./catalog-refresh.ts";
import { knownRootsOrCwd, openForQuery } from "./catalog-session.ts";
import type { CommandContext } from "./command.ts";
import { contactDaemon } from "./daemon-socket.ts";

/** A directory asked for, and the daemon root that already keeps it current. */
export type Coverage = { readonly dir: string; readonly root: string };

/** What came of a scan while `ckpt watch` holds the catalog. */
export type DaemonScan =
  | {
      readonly kind: "daemon";
      readonly pid: number;
      /** Directories under a root the daemon watches: nothing to do for them. */
      readonly covered: readonly Coverage[];
      /** The others, scanned once by the daemon; null when every directory was covered. */
      readonly scanned: { readonly roots: readonly string[]; readonly result: RootScanResult } | null;
    }
  /** It holds the catalog but cannot be asked (no socket, a wedged one, or this embedding has no process seam). */
  | { readonly kind: "unreachable"; readonly holder: LockHolder; readonly reason: string };

/** The roots asked for; without any, those earlier scans covered (read from the catalog), else the working dir. */
function requestedRoots(context: CommandContext, request: ScanRequest): readonly string[] {
  if (request.roots.length > 0) return request.roots;
  const database = openForQuery(request.location);
  try {
    return knownRootsOrCwd({ catalogPath: request.location.path, database, cwd: context.cwd });
  } finally {
    database?.close();
  }
}

/**
 * `ckpt watch` holds the catalog lock, so this process may not write it: directories under a root the daemon
 * watches are current already; the daemon scans the others once, with this request's sidecar mode, and answers
 * when it is done. Null when the daemon is gone meanwhile (take the lock again).
 */
export async function scanThroughDaemon(
  context: CommandContext,
  request: ScanRequest,
  holder: LockHolder,
): Promise<DaemonScan | null> {
  if (context.process === undefined)
    return { kind: "unreachable", holder, reason: "this embedding of ckpt cannot reach its control socket" };
  const contact = await contactDaemon(context, context.process, request.location.path, (starting) => {
    if (request.verbose)
      context.stderr.write(
        `ckpt: ckpt watch (pid ${starting.pid}) took the catalog at ${starting.started_at} and is starting; waiting for its control socket…\n`,
      );
  });
  if (contact.kind === "absent") return null;
  if (contact.kind === "silent")
    return { kind: "unreachable", holder: contact.holder, reason: contact.reason };
  const { pid, roots: watched } = contact.status;
  const dirs = requestedRoots(context, request);
  const covered = dirs.flatMap((dir) => {
    const root = rootCovering(watched, dir);
    return root === undefined ? [] : [{ dir, root }];
  });
  const others = dirs.filter((dir) => rootCovering(watched, dir) === undefined);
  if (others.length === 0) return { kind: "daemon", pid, covered, scanned: null };
  if (context.stderr.isTTY)
    context.stderr.write(`ckpt: ckpt watch (pid ${pid}) is scanning ${others.join(", ")}…\n`);
  const reply = await sendControlCommand({
    socketPath: contact.socketPath,
    request: "scan",
    body: {
      roots: others,
      sidecars: request.sidecars,
      recursive: request.recursive,
      followSymlinks: request.followSymlinks ?? false,
    },
  });
  if (!reply.success) return { kind: "unreachable", holder, reason: reply.error.message };
  if (!reply.data.ok) return { kind: "unreachable", holder, reason: reply.data.message };
  const result = RootScanResult.safeParse(reply.data.data);
  if (!result.success)
    return {
      kind: "unreachable",
      holder,
      reason: "its scan answer has an unexpected shape; is it another ckpt version?",
    };
  if (request.verbose) for (const warning of result.data.warnings) context.stderr.write(`ckpt: ${warning}\n`);
  return { kind: "daemon", pid, covered, scanned: { roots: others, result: result.data } };
}
