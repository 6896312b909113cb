import { SIDECAR_MODES, type SidecarMode } from "../core/catalog/catalog-constants.ts";
import { AppError } from "../core/errors/app-error.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import { absolutePath, locateCatalog, resolveRoots } from "./catalog-session.ts";
import type { CommandContext } from "./command.ts";
import { oneOf } from "./parse-flags.ts";
import { S3_FLAGS, S3_FLAGS_HELP } from "./s3-flags.ts";

/** Flags every catalog query (`ls`, `best`, `stats`) shares. */
export const QUERY_FLAGS = {
  catalog: { type: "string" },
  "no-scan": { type: "boolean", default: false },
  "follow-symlinks": { type: "boolean", default: false },
  sidecars: { type: "string" },
  filter: { type: "string" },
  json: { type: "boolean", default: false },
  csv: { type: "boolean", default: false },
  ...S3_FLAGS,
} as const;

export const QUERY_USAGE = `  --filter TEXT     substring (case-insensitive unless it has capitals) or /regex/ over path, experiment,
                    architecture, framework and status
  --json, --csv     machine-readable output
  --no-scan         answer from the catalog as it is, without scanning DIR first
  --sidecars MODE   how that scan uses sidecars: read (default) or off (ignore them); it never writes one
  --follow-symlinks that scan reads through symlinks leading out of DIR too (by default it skips them)
  --catalog PATH    the catalog database (default $CKPT_CATALOG, else $XDG_STATE_HOME/ckpt/catalog.db), or a
                    shared one: postgres://USER@HOST/DB (every host's rows, as their 'ckpt watch' keeps them)
${S3_FLAGS_HELP}  -h, --help        show this help

With DIR the catalog is first brought up to date for DIR, so the answer is current; without DIR the whole catalog
is queried as it is. Nothing is written into DIR: 'ckpt scan DIR', 'ckpt convert' or 'ckpt watch' write sidecars.
DIR may be an s3://BUCKET/PREFIX: it is listed, and new or changed objects are read with byte ranges.`;

export type QueryValues = {
  readonly catalog?: string | undefined;
  readonly "no-scan"?: boolean | undefined;
  readonly "follow-symlinks"?: boolean | undefined;
  readonly sidecars?: string | undefined;
  readonly json?: boolean | undefined;
  readonly csv?: boolean | undefined;
  readonly profile?: string | undefined;
  readonly endpoint?: string | undefined;
};

/**
 * A read command's `--sidecars`: `read` (default) or `off`. It never writes into the user's directories, so
 * `write` is a usage error that names the commands that do.
 */
export function readOnlySidecarMode(
  command: string,
  value: string | undefined,
): Exclude<SidecarMode, "write"> {
  const mode = oneOf(command, "sidecars", value, SIDECAR_MODES) ?? "read";
  if (mode !== "write") return mode;
  throw new AppError(
    "usage",
    `${command}: --sidecars write is not for a read command; ${command} never writes into your directories. Write sidecars with 'ckpt scan DIR', 'ckpt convert --outputs-dir DIR' or 'ckpt watch DIR'`,
  );
}

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
  const sidecars = readOnlySidecarMode(command, values.sidecars);
  const location = locateCatalog(context, values.catalog);
  // A shared catalog's roots may be another host's directories, which need not exist here; each host's own
  // `ckpt watch` or `ckpt scan` keeps its rows current, so a query reads them as they are.
  if (location.shared !== undefined)
    return { location, roots: options.positionals.map((path) => absolutePath(context, path)), sidecars };
  const roots = resolveRoots(command, context, options.positionals);
  if (values["no-scan"] !== true && roots.length > 0) {
    // Loaded only when there is something to scan: the scan pulls in the reader, zod and the S3 session; a plain
    // query does not.
    const [{ refreshBeforeQuery }, { s3SessionOf }] = await Promise.all([
      import("./catalog-refresh.ts"),
      import("./s3-session-of.ts"),
    ]);
    await refreshBeforeQuery(context, {
      command,
      location,
      roots,
      sidecars,
      recursive: true,
      followSymlinks: values["follow-symlinks"] ?? false,
      waitMs: 30_000,
      s3: s3SessionOf(context, values),
    });
  }
  return { location, roots, sidecars };
}
