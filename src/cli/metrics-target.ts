import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { AppError } from "../core/errors/app-error.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import type { CatalogStore, RunAt } from "../io/catalog/catalog-store.ts";

// What `ckpt metrics PATH` names: a checkpoint's run, or a run directory, in the local or a shared catalog.

/** The run PATH names, and the checkpoint when PATH is one. */
export type Target = {
  readonly run: RunAt;
  readonly checkpoint: CatalogEntry | null;
};

type Lookup = { readonly store: CatalogStore; readonly hosts: readonly string[] | undefined };

/** The one entry at `path` (its primary's, for an alias); several hosts holding it is a usage error. */
async function checkpointAt(lookup: Lookup, path: string, shown: string): Promise<CatalogEntry | null> {
  const hosts = lookup.hosts === undefined ? {} : { hosts: lookup.hosts };
  const found = await lookup.store.listEntries({ roots: [], paths: [path], includeAliases: true, ...hosts });
  const [entry] = found;
  if (entry === undefined) return null;
  if (found.length > 1)
    throw new AppError(
      "usage",
      `metrics: ${shown} is catalogued on ${found.length} hosts (${found.map((one) => escapeControl(one.host ?? "")).join(", ")}); pick one with --host`,
    );
  if (entry.alias_of === null) return entry;
  const onHost = entry.host === undefined ? {} : { hosts: [entry.host] };
  const [primary] = await lookup.store.listEntries({ roots: [], paths: [entry.alias_of], ...onHost });
  return primary ?? null;
}

export async function targetOf(
  lookup: Lookup,
  path: string,
  display: (path: string) => string,
): Promise<Target> {
  const shown = display(path);
  const checkpoint = await checkpointAt(lookup, path, shown);
  const { store } = lookup;
  if (checkpoint?.run_dir) {
    const run = { host: checkpoint.host ?? store.host, dir: checkpoint.run_dir, task: checkpoint.task };
    return { run, checkpoint };
  }
  const runs = (await store.runsAt(path)).filter((run) => lookup.hosts?.includes(run.host) ?? true);
  const [only] = runs;
  if (only !== undefined && runs.length === 1) return { run: only, checkpoint: null };
  if (runs.length > 1) {
    const listed = runs
      .slice(0, 5)
      .map(
        (run) => `  ${display(run.dir)}${store.kind === "postgres" ? ` (${escapeControl(run.host)})` : ""}`,
      );
    throw new AppError(
      "usage",
      `metrics: ${shown} holds ${runs.length} runs; name one of them (a run directory or a checkpoint${store.kind === "postgres" ? ", and --host" : ""}):\n${listed.join("\n")}`,
    );
  }
  throw new AppError(
    "usage",
    `metrics: no catalogued checkpoint at or under ${shown}; pass a checkpoint or its run directory ('ckpt ls ${shown}' shows what the catalog has there)`,
  );
}
