import { isPostgresUrl } from "../io/catalog/postgres-url.ts";
import { type FlagOptions, flagTokens, flagValues } from "./flag-tokens.ts";

/** Only what says which catalog is meant; the command parses (and checks) all its flags itself. */
const CATALOG_FLAG = {
  catalog: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies FlagOptions;

/**
 * A query command on a shared catalog (`--catalog postgres://…` or `CKPT_CATALOG`) opens its one connection
 * before its own modules load, so the server forks the backend meanwhile instead of after (`openAhead`). Returns
 * what closes the connection if the command never takes it; null when there is nothing to open. A URL that does
 * not parse is left to the command, which says what is wrong with it.
 */
export async function openSharedCatalogAhead(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<(() => Promise<void>) | null> {
  const { values } = flagValues(flagTokens(args, CATALOG_FLAG), CATALOG_FLAG);
  if (values["help"] === true) return null;
  const flag = typeof values["catalog"] === "string" ? values["catalog"] : undefined;
  const { chosenCatalog } = await import("../io/catalog/catalog-location.ts");
  const { path } = chosenCatalog({ flag, env });
  if (path === null || !isPostgresUrl(path)) return null;
  const { openAhead } = await import("../io/catalog/postgres-connection.ts");
  try {
    return openAhead(path);
  } catch {
    return null;
  }
}
