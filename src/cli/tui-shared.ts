import { catalogHost } from "../io/catalog/catalog-host.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import type { CatalogStore } from "../io/catalog/catalog-store.ts";
import { createCatalogStore } from "../tui/catalog-store.ts";
import { absolutePath } from "./catalog-session.ts";
import type { CommandContext } from "./command.ts";
import { displayPathFrom } from "./display-path.ts";
import { printEntries } from "./ls-command.ts";
import type { TuiCommandOptions } from "./tui-command.ts";

type SharedTuiInput = {
  readonly location: CatalogLocation & { readonly shared: string };
  readonly positionals: readonly string[];
  readonly ascii: boolean;
  readonly lowBandwidth: boolean;
};

const SHARED_NOTE = "shared catalog: each host's ckpt watch keeps its own rows current";

/** Without a terminal: the `ckpt ls` table of every host's rows. */
async function printSharedTable(
  context: CommandContext,
  options: { store: CatalogStore; roots: readonly string[] },
): Promise<number> {
  const which = context.stdout.isTTY ? "standard input" : "standard output";
  context.stderr.write(`ckpt tui: ${which} is not a terminal, so here is the 'ckpt ls' table instead\n`);
  try {
    const entries = await options.store.listEntries({ roots: options.roots });
    printEntries(context, entries, { json: false, csv: false, wide: false, aliases: new Map() });
  } finally {
    await options.store.close();
  }
  return 0;
}

/**
 * `ckpt tui --catalog postgres://…`: every host's checkpoints, the host in each run's header, redrawn when a
 * host's commit is NOTIFYed. Read-only here: this host's rows come from its own `ckpt watch`.
 */
export async function runSharedTui(
  context: CommandContext,
  options: TuiCommandOptions,
  input: SharedTuiInput,
): Promise<number> {
  const roots = input.positionals.map((path) => absolutePath(context, path));
  const { openPostgresCatalogStore } = await import("../io/catalog/postgres-catalog-store.ts");
  const store = await openPostgresCatalogStore(input.location.shared, { host: catalogHost(context.env) });
  const terminal = options.terminal();
  if (!context.stdout.isTTY || !terminal.stdin.isTTY) return printSharedTable(context, { store, roots });
  const noColor = context.env["NO_COLOR"];
  if (noColor !== undefined && noColor !== "") terminal.disableColor();
  terminal.preferProduction();
  const { openSharedTuiReader } = await import("../io/catalog/shared-tui-reader.ts");
  let redraw = () => {};
  const reader = await openSharedTuiReader({ store, roots, onLoaded: () => redraw() });
  const catalog = createCatalogStore({
    reader,
    pollMs: input.lowBandwidth ? 1000 : 250,
    publishMs: input.lowBandwidth ? 2000 : 250,
    now: context.now,
    status: { daemon: "read-only", catalogPath: store.name, lastEvent: SHARED_NOTE },
  });
  redraw = () => catalog.poll({ force: true });
  try {
    const { runTui } = await import("../tui/run-tui.tsx");
    await runTui({
      streams: terminal,
      catalog,
      settings: {
        ascii: input.ascii || context.env["TERM"] === "linux",
        lowBandwidth: input.lowBandwidth,
        now: context.now,
        displayPath: displayPathFrom(context.cwd),
      },
      tmux: context.env["TMUX"] !== undefined,
      rescan: async () => SHARED_NOTE,
      pruner: {
        kind: "disabled",
        why: "d (prune) works on a local catalog: run 'ckpt prune' on the host that has the checkpoints",
      },
    });
    return 0;
  } finally {
    reader.close();
  }
}
