import { existsSync, statSync } from "node:fs";
import { arch, platform } from "node:os";
import { AppError } from "../core/errors/app-error.ts";
import { catalogHost } from "../io/catalog/catalog-host.ts";
import { catalogLockPaths } from "../io/catalog/catalog-lock.ts";
import { redactedUrl } from "../io/catalog/postgres-url.ts";
import { locateCatalog } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { contactDaemon, daemonPathsFor, processControlOf } from "./daemon-socket.ts";
import { parseFlags } from "./parse-flags.ts";

const USAGE = `Usage: ckpt info [--catalog PATH] [--json]

Where ckpt keeps everything and what it is: version and commit, platform, the catalog, lock, state, log and
socket paths, and whether a 'ckpt watch' daemon keeps this catalog current.

Options:
  --catalog PATH  the catalog to describe (default: CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db)
  --json          print one JSON object
  -h, --help      show this help

Examples:
  ckpt info
  ckpt info --json --catalog ~/team/catalog.db
`;

export type CkptInfo = {
  readonly version: string;
  readonly platform: string;
  readonly bun: string;
  readonly executable: readonly string[];
  readonly catalog: {
    readonly path: string | null;
    readonly source: string | null;
    readonly exists: boolean;
    readonly bytes: number | null;
    readonly problem: string | null;
    /** The shared PostgreSQL catalog (password hidden) and the host name this host's rows carry there. */
    readonly shared?: { readonly url: string; readonly host: string };
  };
  readonly lock_file: string | null;
  readonly pid_file: string | null;
  readonly state_dir: string;
  readonly daemon_log: string;
  readonly socket: string;
  readonly daemon: { readonly running: boolean; readonly pid: number | null; readonly detail: string };
};

function catalogFacts(context: CommandContext, flag: string | undefined): CkptInfo["catalog"] {
  try {
    const location = locateCatalog(context, flag);
    const exists = existsSync(location.path);
    const bytes = exists ? statSync(location.path).size : null;
    const shared =
      location.shared === undefined
        ? {}
        : { shared: { url: redactedUrl(location.shared), host: catalogHost(context.env) } };
    return { path: location.path, source: location.source, exists, bytes, problem: null, ...shared };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { path: null, source: null, exists: false, bytes: null, problem: error.message };
  }
}

async function gatherInfo(context: CommandContext, flag: string | undefined): Promise<CkptInfo> {
  const control = processControlOf(context, "info");
  const catalog = catalogFacts(context, flag);
  const paths = daemonPathsFor(context, catalog.path ?? "", control.uid);
  const contact = catalog.path === null ? undefined : await contactDaemon(context, control, catalog.path);
  const daemon =
    contact?.kind === "answering"
      ? { running: true, pid: contact.status.pid, detail: `answering on ${contact.socketPath}` }
      : contact?.kind === "silent"
        ? {
            running: true,
            pid: contact.holder.pid,
            detail: `holds the lock but its socket does not answer: ${contact.reason}`,
          }
        : { running: false, pid: null, detail: "not running for this catalog" };
  const lock = catalog.path === null ? null : catalogLockPaths(catalog.path);
  return {
    version: context.version,
    platform: `${platform()}-${arch()}`,
    bun: Bun.version,
    executable: control.selfCommand,
    catalog,
    lock_file: lock?.lock ?? null,
    pid_file: lock?.pid ?? null,
    state_dir: paths.stateDir,
    daemon_log: paths.logPath,
    socket: paths.socketPath,
    daemon,
  };
}

function renderInfo(info: CkptInfo): string {
  const catalog = info.catalog;
  const catalogLine =
    catalog.path === null
      ? `— (${catalog.problem})`
      : `${catalog.path} (${catalog.source}; ${catalog.exists ? `${catalog.bytes} bytes` : "not created yet"})`;
  const rows: [string, string][] = [
    ["platform", `${info.platform}, Bun ${info.bun}`],
    ["executable", info.executable.join(" ")],
    ["catalog", catalogLine],
    ...(catalog.shared === undefined
      ? []
      : [
          ["shared", `${catalog.shared.url} (this host's rows as ${catalog.shared.host})`] as [
            string,
            string,
          ],
        ]),
    ["lock file", info.lock_file ?? "—"],
    ["pid file", info.pid_file ?? "—"],
    ["state dir", info.state_dir],
    ["daemon log", info.daemon_log],
    ["socket", info.socket],
    [
      "daemon",
      info.daemon.running ? `running, pid ${info.daemon.pid} (${info.daemon.detail})` : info.daemon.detail,
    ],
  ];
  return `ckpt ${info.version}\n${rows.map(([key, value]) => `${key.padEnd(11)} ${value}`).join("\n")}\n`;
}

async function run(context: CommandContext): Promise<number> {
  const { values } = parseFlags("info", context.args, {
    catalog: { type: "string" },
    json: { type: "boolean", default: false },
  });
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const info = await gatherInfo(context, values.catalog);
  context.stdout.write(values.json ? `${JSON.stringify(info, null, 2)}\n` : renderInfo(info));
  return 0;
}

export const infoCommand: Command = {
  name: "info",
  summary: "version, platform, and where ckpt keeps its catalog, state, logs and socket",
  usage: USAGE,
  run,
};
