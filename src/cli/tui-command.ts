import { AppError } from "../core/errors/app-error.ts";
import { isS3Url } from "../core/object-store/s3-url.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import { knownRoots, queryEntries } from "../io/catalog/catalog-reads.ts";
import { openTuiCatalogReader, runningDaemon } from "../io/catalog/tui-catalog-reads.ts";
import { entriesHealth } from "../io/disk/disk-health-report.ts";
import type { S3Session } from "../io/object-store/s3-session.ts";
import { createCatalogStore, type DaemonState } from "../tui/catalog-store.ts";
import { refreshBeforeQuery } from "./catalog-refresh.ts";
import { locateCatalog, openForQuery, resolveRoots } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { displayPathFrom } from "./display-path.ts";
import { printEntries } from "./ls-command.ts";
import { parseFlags } from "./parse-flags.ts";
import { S3_FLAGS, S3_FLAGS_HELP } from "./s3-flags.ts";
import { s3SessionOf } from "./s3-session-of.ts";
import type { EmbeddedWatcher, StartEmbeddedWatcher } from "./tui-embedded-watcher.ts";
import { tuiPruner } from "./tui-prune.ts";
import { s3PrefixWatcher } from "./tui-s3-watcher.ts";

const USAGE = `Usage: ckpt tui [DIR...] [options]

The live checkpoint browser. Shows the catalog (the checkpoints under DIR when given), grouped by run with each
run's best marked ★, and updates as checkpoints are indexed. When no 'ckpt watch' daemon keeps the catalog
current, the TUI indexes DIR itself. Press ? inside for the keys.

DIR may be s3://BUCKET/PREFIX (all of them then): the TUI lists the prefixes itself every 5 s while objects
change, backing off to a minute, reading sidecars beside the objects but writing none.

Options:
  --catalog PATH    the catalog database (default: $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db)
  --readonly        never write: no scan, no sidecars, no prune (safe in shared sessions)
  --ascii           ASCII marks and charts for terminals without Unicode (automatic with TERM=linux)
  --low-bandwidth   fewer frames per second and slower polling, for slow SSH links
${S3_FLAGS_HELP}  -h, --help        show this help

NO_COLOR turns colours off. Without a terminal (a pipe, cron) it prints the 'ckpt ls' table instead.

Examples:
  ckpt tui runs                      browse runs, indexing it first
  ckpt tui --readonly                the whole catalog, writing nothing
  ckpt tui runs --ascii --low-bandwidth
  ckpt tui s3://team-ckpts/dbnet     browse an S3 prefix, listing it while the TUI runs
`;

/** The terminal Ink draws on. */
export type TuiTerminal = {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** Turns colours off for everything loaded afterwards (chalk reads FORCE_COLOR when it is imported). */
  readonly disableColor: () => void;
  /** Makes React load its production build (run from source NODE_ENV is unset, which means development). */
  readonly preferProduction: () => void;
};

export type TuiCommandOptions = {
  readonly terminal: () => TuiTerminal;
  /** @default the one-shot incremental scan at start and on `r`, until the daemon's in-process watcher lands */
  readonly startEmbeddedWatcher?: (
    context: CommandContext,
    location: CatalogLocation,
  ) => StartEmbeddedWatcher;
};

type Session = {
  readonly daemon: DaemonState;
  readonly watchRoots: readonly string[];
  readonly note: string | null;
};

function watchRootsOf(location: CatalogLocation, roots: readonly string[]): readonly string[] {
  if (roots.length > 0) return roots;
  const database = openForQuery(location);
  try {
    return database === null ? [] : knownRoots(database);
  } finally {
    database?.close();
  }
}

function decideSession(location: CatalogLocation, roots: readonly string[], readonly: boolean): Session {
  const daemon = runningDaemon(location.path);
  if (daemon !== null)
    return {
      daemon: "attached",
      watchRoots: [],
      note: `ckpt watch (pid ${daemon.pid}) keeps the catalog current`,
    };
  if (readonly)
    return { daemon: "read-only", watchRoots: [], note: "--readonly: nothing is scanned or written" };
  const watchRoots = watchRootsOf(location, roots);
  if (watchRoots.length === 0)
    return { daemon: "read-only", watchRoots, note: "no directory to watch: run 'ckpt tui DIR'" };
  return { daemon: "embedded", watchRoots, note: null };
}

async function printTable(
  context: CommandContext,
  options: { location: CatalogLocation; roots: string[]; scan: boolean; s3: S3Session },
) {
  const { location, roots } = options;
  if (options.scan) {
    await refreshBeforeQuery(context, {
      command: "tui",
      location,
      roots,
      sidecars: "read",
      recursive: true,
      waitMs: 30_000,
      s3: options.s3,
    });
  }
  const database = openForQuery(location);
  try {
    const entries = database === null ? [] : queryEntries(database, { roots });
    printEntries(context, entries, { json: false, csv: false, wide: false, aliases: new Map() });
  } finally {
    database?.close();
  }
}

function rescanFor(session: Session, watcher: Promise<EmbeddedWatcher> | null): () => Promise<string> {
  if (watcher !== null) return async () => (await watcher).rescan();
  const why = session.daemon === "attached" ? "the daemon keeps the catalog current" : "read-only";
  return async () => `${why}: re-read the catalog`;
}

async function run(context: CommandContext, options: TuiCommandOptions): Promise<number> {
  const { values, positionals } = parseFlags("tui", context.args, {
    catalog: { type: "string" },
    readonly: { type: "boolean", default: false },
    ascii: { type: "boolean", default: false },
    "low-bandwidth": { type: "boolean", default: false },
    ...S3_FLAGS,
  });
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const location = locateCatalog(context, values.catalog);
  if (location.shared !== undefined) {
    const { runSharedTui } = await import("./tui-shared.ts");
    const shared = { ...location, shared: location.shared };
    const flags = { ascii: values.ascii, lowBandwidth: values["low-bandwidth"] };
    return runSharedTui(context, options, { location: shared, positionals, ...flags });
  }
  const roots = resolveRoots("tui", context, positionals);
  const s3 = s3SessionOf(context, values);
  const terminal = options.terminal();
  if (!context.stdout.isTTY || !terminal.stdin.isTTY) {
    const which = context.stdout.isTTY ? "standard input" : "standard output";
    context.stderr.write(`ckpt tui: ${which} is not a terminal, so here is the 'ckpt ls' table instead\n`);
    await printTable(context, {
      location,
      roots,
      // With a daemon running, the refresh asks it to scan DIR unless DIR is under one of its roots.
      scan: !values.readonly,
      s3,
    });
    return 0;
  }
  const noColor = context.env["NO_COLOR"];
  if (noColor !== undefined && noColor !== "") terminal.disableColor();
  terminal.preferProduction();
  const session = decideSession(location, roots, values.readonly);
  const reader = openTuiCatalogReader({ path: location.path, roots });
  const lowBandwidth = values["low-bandwidth"];
  const catalog = createCatalogStore({
    reader,
    pollMs: lowBandwidth ? 1000 : 250,
    // A stream of arrivals redraws at most once a second: rows landing on screen shift every row below them.
    publishMs: lowBandwidth ? 2000 : 1000,
    now: context.now,
    status: { daemon: session.daemon, catalogPath: location.path, lastEvent: session.note },
  });
  const watcher =
    session.daemon === "embedded"
      ? embeddedWatcherFor(session.watchRoots, { context, location, options, s3 })(
          session.watchRoots,
          location.path,
          {
            onEvent: (message) => {
              catalog.setStatus({ lastEvent: message });
              catalog.poll({ force: true });
            },
          },
        )
      : null;
  try {
    // Ink (and with it chalk) is loaded only now, after the colour decision, and never for `--version`.
    const { runTui } = await import("../tui/run-tui.tsx");
    await runTui({
      streams: terminal,
      catalog,
      settings: {
        ascii: values.ascii || context.env["TERM"] === "linux",
        lowBandwidth,
        now: context.now,
        displayPath: displayPathFrom(context.cwd),
        // The catalogued checkpoints' filesystems are found from the rows; the roots add those holding none yet.
        diskHealth: entriesHealth(
          (session.watchRoots.length > 0 ? session.watchRoots : roots).filter((root) => !isS3Url(root)),
        ),
      },
      tmux: context.env["TMUX"] !== undefined,
      rescan: rescanFor(session, watcher),
      pruner: tuiPruner({
        context,
        location,
        roots,
        readonly: values.readonly,
        watcherCatalog: async () => (await watcher)?.withCatalog,
      }),
    });
    return 0;
  } finally {
    await (await watcher)?.stop();
    reader.close();
  }
}

/** s3:// prefixes are listed by the S3 prefix watch, directories watched by the daemon's loop; not both at once. */
function embeddedWatcherFor(
  roots: readonly string[],
  wiring: { context: CommandContext; location: CatalogLocation; options: TuiCommandOptions; s3: S3Session },
): StartEmbeddedWatcher {
  const { context, location, options } = wiring;
  const objects = roots.filter(isS3Url);
  if (objects.length > 0 && objects.length < roots.length)
    throw new AppError(
      "usage",
      "tui: s3:// prefixes and directories cannot be kept current together; browse them one kind at a time, or run 'ckpt watch' for each with its own --catalog",
    );
  if (objects.length > 0) return s3PrefixWatcher(context, wiring.s3);
  return (options.startEmbeddedWatcher ?? daemonLoopWatcher)(context, location);
}

/** The `ckpt watch` loop in-process; loaded only when the TUI has to keep the catalog current itself. */
function daemonLoopWatcher(context: CommandContext): StartEmbeddedWatcher {
  return async (roots, catalogPath, watchOptions) => {
    const { startEmbeddedWatcher } = await import("../daemon/embedded-watcher.ts");
    const { daemonPathsFor } = await import("./daemon-socket.ts");
    // A read command: the TUI catalogs DIR but never writes sidecars into it. On the daemon's socket, so that
    // 'ckpt status' sees it and 'ckpt scan' of a directory it does not watch can ask it to scan.
    const uid = context.process?.uid;
    return startEmbeddedWatcher(roots, catalogPath, {
      onEvent: watchOptions.onEvent,
      now: context.now,
      sidecars: "read",
      ...(uid === undefined
        ? {}
        : { control: { paths: daemonPathsFor(context, catalogPath, uid), uid, owner: "ckpt tui" } }),
    });
  };
}

// CommandContext carries text sinks only; Ink needs the streams themselves, so this adapter is the one place
// besides main.ts that touches them (move it into main when CommandContext grows a terminal).
function processTerminal(): TuiTerminal {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    disableColor: () => {
      process.env["FORCE_COLOR"] = "0";
    },
    preferProduction: () => {
      process.env["NODE_ENV"] ??= "production";
    },
  };
}

export function createTuiCommand(options: TuiCommandOptions): Command {
  return {
    name: "tui",
    summary: "browse the catalog live in the terminal: runs, best checkpoints, metrics, curves",
    usage: USAGE,
    run: (context) => run(context, options),
  };
}

export const tuiCommand: Command = createTuiCommand({ terminal: processTerminal });
