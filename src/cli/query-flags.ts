import { SIDECAR_MODES, type SidecarMode } from "../core/catalog/catalog-constants.ts";
import { AppError } from "../core/errors/app-error.ts";
import type { CatalogLocation } from "../io/catalog-location.ts";
import { locateCatalog, resolveRoots } from "./catalog-session.ts";
import type { CommandContext } from "./command.ts";
import { oneOf } from "./parse-flags.ts";

/** Flags every catalog query (`ls`, `best`, `stats`) shares. */
export const QUERY_FLAGS = {
  catalog: { type: "string" },
  "no-scan": { type: "boolean", default: false },
  sidecars: { type: "string" },
  filter: { type: "string" },
  json: { type: "boolean", default: false },
  csv: { type: "boolean", default: false },
} as const;

export const QUERY_USAGE = `  --filter TEXT     substring (case-insensitive unless it has capitals) or /regex/ over path, experiment,
                    architecture, framework and status
  --json, --csv     machine-readable output
  --no-scan         answer from the catalog as it is, without scanning DIR first
  --sidecars MODE   sidecar policy of that scan: write (default), read, off
  --catalog PATH    the catalog database (default $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db)
  -h, --help        show this help

With DIR (and no 'ckpt watch' running) the catalog is first brought up to date for DIR, so the answer is current;
without DIR the whole catalog is queried as it is.`;

export type QueryValues = {
  readonly catalog?: string | undefined;
  readonly "no-scan"?: boolean | undefined;
  readonly sidecars?: string | undefined;
  readonly json?: boolean | undefined;
  readonly csv?: boolean | undefined;
};

/** Locates the catalog, resolves the roots and, with roots, refreshes them; returns both for the query. */
export async function prepareQuery(
  command: string,
  context: CommandContext,
  options: { values: QueryValues; positionals: readonly string[] },
): Promise<{ location: CatalogLocation; roots: string[]; sidecars: SidecarMode }> {
  const { values } = options;
  if (values.json === true && values.csv === true) {
    throw new AppError("usage", `${command}: --json and --csv are exclusive; pick one`);
  }
  const sidecars = oneOf(command, "sidecars", values.sidecars, SIDECAR_MODES) ?? "write";
  const location = locateCatalog(context, values.catalog);
  const roots = resolveRoots(command, context, options.positionals);
  if (values["no-scan"] !== true && roots.length > 0) {
    // Loaded only when there is something to scan: the scan pulls in the reader and zod, a plain query does not.
    const { refreshBeforeQuery } = await import("./catalog-refresh.ts");
    await refreshBeforeQuery(context, {
      command,
      location,
      roots,
      sidecars,
      recursive: true,
      waitMs: 30_000,
    });
  }
  return { location, roots, sidecars };
}
