import { isPostgresUrl } from "../io/catalog/postgres-url.ts";
import { type FlagOptions, flagTokens, flagValues } from "./flag-tokens.ts";

/** Only what says which catalog is meant; the command parses (and checks) all its flags itself. */
const CATALOG_FLAG = {
  catalog: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies FlagOptions;

/**
 * Resolves after the event loop has polled its sockets once. A timer does it (the loop polls before a timer
 * fires); `setImmediate` does not (its callbacks run before the poll), so after it the connection's start-up
 * message would still wait for the command's modules to load.
 */
function afterSocketPoll(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A query command on a shared catalog (`--catalog postgres://…` or `CKPT_CATALOG`) opens its one connection
 * before its own modules load, so the server forks the backend meanwhile instead of after (`openAhead`). Returns
 * what closes the connection if the command never takes it; null when there is nothing to open. A URL that does
 * not parse is left to the command, which says what is wrong with it. Before returning it lets the event loop
 * poll the socket once, so on an idle machine the start-up message leaves now and the server sets up the backend
 * (authentication, its catalog caches) while the command's modules load; on a busy one it may leave later, which
 * costs time, never correctness (bench/shared-catalog-bench.ts measures it).
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
  let close: () => Promise<void>;
  try {
    close = openAhead(path);
  } catch {
    return null;
  }
  await afterSocketPoll();
  return close;
}
