import { AppError } from "../core/errors/app-error.ts";
import { sendControlCommand } from "../daemon/control-socket.ts";
import { locateCatalog } from "./catalog-session.ts";
import type { Command, CommandContext, ProcessControl } from "./command.ts";
import { contactDaemon, processControlOf } from "./daemon-socket.ts";
import { EXIT } from "./exit-codes.ts";
import { parseFlags } from "./parse-flags.ts";

const USAGE = `Usage: ckpt stop [--catalog PATH]

Stops 'ckpt watch' for the catalog: asks over its control socket, else sends SIGTERM to the pid holding the
catalog lock. It finishes the work in flight and exits; 'stop' waits for that.

Options:
  --catalog PATH   the catalog database (default $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db)
  -h, --help       show this help

Exit codes: 0 stopped, 1 it did not exit in time, 3 not running.

Examples:
  ckpt stop
  ckpt stop --catalog ~/team/catalog.db
`;

/** The daemon exits within 5 s of SIGTERM; allow for a loaded box. */
const EXIT_WAIT_MS = 15_000;

async function waitForExit(context: CommandContext, control: ProcessControl, pid: number): Promise<boolean> {
  const deadline = context.now() + EXIT_WAIT_MS;
  while (context.now() < deadline) {
    if (!control.kill(pid, 0)) return true;
    await Bun.sleep(50);
  }
  return !control.kill(pid, 0);
}

async function run(context: CommandContext): Promise<number> {
  const { values } = parseFlags("stop", context.args, { catalog: { type: "string" } });
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const control = processControlOf(context, "stop");
  const catalog = locateCatalog(context, values.catalog).path;
  const contact = await contactDaemon(context, control, catalog);
  if (contact.kind === "absent") {
    context.stderr.write(`ckpt: ckpt watch is not running for ${catalog}\n`);
    return EXIT.notRunning;
  }
  const pid = contact.kind === "answering" ? contact.status.pid : contact.holder.pid;
  const reply =
    contact.kind === "answering"
      ? await sendControlCommand({ socketPath: contact.socketPath, request: "stop" })
      : null;
  // A refusal (the watcher inside 'ckpt tui' ends with the TUI) is said as it is; no signal is sent.
  if (reply?.success && !reply.data.ok) throw new AppError("daemon-running", `stop: ${reply.data.message}`);
  const asked = reply?.success === true;
  if (!asked && !control.kill(pid, "SIGTERM"))
    throw new AppError(
      "permission-denied",
      `stop: cannot signal pid ${pid}; is it another user's ckpt watch?`,
    );
  if (!(await waitForExit(context, control, pid)))
    throw new AppError(
      "catalog-busy",
      `stop: ckpt watch (pid ${pid}) did not exit within ${EXIT_WAIT_MS / 1000} s; try 'kill ${pid}'`,
    );
  context.stdout.write(`stopped ckpt watch (pid ${pid})\n`);
  return EXIT.ok;
}

export const stopCommand: Command = {
  name: "stop",
  summary: "stop 'ckpt watch' for the catalog (over its socket, else SIGTERM to its pid)",
  usage: USAGE,
  run,
};
