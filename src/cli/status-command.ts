import { assertNever } from "../core/assert-never.ts";
import { renderDaemonStatus } from "../daemon/daemon-status.ts";
import { locateCatalog } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { contactDaemon, processControlOf } from "./daemon-socket.ts";
import { readHealthSection, renderHealthSection } from "./disk-health-section.ts";
import { EXIT } from "./exit-codes.ts";
import { parseFlags } from "./parse-flags.ts";

const USAGE = `Usage: ckpt status [--json] [--catalog PATH]

Is 'ckpt watch' running for the catalog? Shows its pid, uptime, roots, queue, checkpoints indexed, the last
event, errors in the last hour and the catalog path. Then disk and run health (as 'ckpt stats' shows it): free
space of each watched filesystem, checkpoint bytes written per hour, when it fills at that rate, stalled runs.

Options:
  --catalog PATH   the catalog database (default $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db)
  --json           print one JSON object
  -h, --help       show this help

Exit codes: 0 running, 3 not running.

Examples:
  ckpt status
  ckpt status --json
`;

async function run(context: CommandContext): Promise<number> {
  const { values } = parseFlags("status", context.args, {
    catalog: { type: "string" },
    json: { type: "boolean", default: false },
  });
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const control = processControlOf(context, "status");
  const location = locateCatalog(context, values.catalog);
  const catalog = location.path;
  const contact = await contactDaemon(context, control, catalog);
  const section = readHealthSection(location, {
    roots: contact.kind === "answering" ? contact.status.roots : null,
    nowMs: context.now(),
  });
  const print = (json: object, text: string) =>
    context.stdout.write(
      values.json ? `${JSON.stringify({ ...json, ...section })}\n` : `${text}${renderHealthSection(section)}`,
    );
  switch (contact.kind) {
    case "answering":
      print({ running: true, ...contact.status }, renderDaemonStatus(contact.status));
      return EXIT.ok;
    case "silent":
      print(
        {
          running: true,
          pid: contact.holder.pid,
          catalog,
          socket: contact.socketPath,
          problem: contact.reason,
        },
        `ckpt watch is running (pid ${contact.holder.pid}) for ${catalog}, but its control socket does not answer: ${contact.reason}\n`,
      );
      return EXIT.ok;
    case "absent":
      print(
        { running: false, catalog },
        `ckpt watch is not running for ${catalog}; start it with 'ckpt watch DIR…'\n`,
      );
      return EXIT.notRunning;
    default:
      return assertNever(contact);
  }
}

export const statusCommand: Command = {
  name: "status",
  summary: "is 'ckpt watch' running? pid, uptime, roots, queue, indexed, errors (exit 0 running, 3 not)",
  usage: USAGE,
  run,
};
