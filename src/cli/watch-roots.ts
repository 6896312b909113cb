import { assertNever } from "../core/assert-never.ts";
import { AppError } from "../core/errors/app-error.ts";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { sendControlCommand } from "../daemon/control-socket.ts";
import { RootScanResult } from "../daemon/root-scan.ts";
import { absolutePath, locateCatalog, resolveRoots } from "./catalog-session.ts";
import type { CommandContext, ProcessControl } from "./command.ts";
import { contactDaemon } from "./daemon-socket.ts";
import { EXIT } from "./exit-codes.ts";

export type RootChanges = {
  readonly add: readonly string[];
  readonly remove: readonly string[];
  readonly catalog: string | undefined;
};

/** The socket of the `ckpt watch` running for the catalog; its absence or silence is an error that says what to do. */
async function runningDaemonSocket(context: CommandContext, control: ProcessControl, catalog: string) {
  const contact = await contactDaemon(context, control, catalog);
  switch (contact.kind) {
    case "answering":
      return { socketPath: contact.socketPath, pid: contact.status.pid };
    case "silent":
      throw new AppError(
        "catalog-busy",
        `watch: ckpt watch (pid ${contact.holder.pid}) runs for ${catalog} but its control socket does not answer (${contact.reason}); restart it with the roots you want`,
      );
    case "absent":
      throw new AppError(
        "daemon-not-running",
        `watch: ckpt watch is not running for ${catalog}; start it with 'ckpt watch DIR…'`,
      );
    default:
      return assertNever(contact);
  }
}

async function ask(
  socketPath: string,
  request: { command: "add-root" | "remove-root"; root: string },
): Promise<{ message: string; data: unknown }> {
  const reply = await sendControlCommand({
    socketPath,
    request: request.command,
    body: { root: request.root },
  });
  if (!reply.success) throw new AppError("io", `watch: ${reply.error.message}`);
  if (!reply.data.ok) throw new AppError("usage", `watch: ${reply.data.message}`);
  return { message: reply.data.message, data: reply.data.data };
}

/**
 * `ckpt watch --add DIR` / `--remove DIR`: change the roots of the running daemon over its socket. An added root
 * is caught up before this returns; a removed root's checkpoints stay in the catalog.
 */
export async function changeDaemonRoots(
  context: CommandContext,
  control: ProcessControl,
  changes: RootChanges,
): Promise<number> {
  const location = locateCatalog(context, changes.catalog);
  const added = resolveRoots("watch", context, changes.add);
  const { socketPath, pid } = await runningDaemonSocket(context, control, location.path);
  for (const root of added) {
    const answer = await ask(socketPath, { command: "add-root", root });
    const caughtUp = RootScanResult.safeParse(answer.data);
    const summary = caughtUp.success ? caughtUp.data.summary : null;
    for (const warning of caughtUp.success ? caughtUp.data.warnings : [])
      context.stderr.write(`ckpt: ${warning}\n`);
    context.stdout.write(
      `ckpt watch (pid ${pid}) now watches ${root}${summary === null ? "" : `; caught up: ${summary.added} added, ${summary.updated} updated, ${summary.removed} removed, ${summary.unchanged} unchanged, ${summary.failed} failed`}\n`,
    );
  }
  for (const path of changes.remove) {
    const root = isS3Url(path)
      ? (resolveRoots("watch", context, [path])[0] ?? path)
      : absolutePath(context, path);
    const answer = await ask(socketPath, { command: "remove-root", root });
    context.stdout.write(`ckpt watch (pid ${pid}): ${answer.message}\n`);
  }
  return EXIT.ok;
}
