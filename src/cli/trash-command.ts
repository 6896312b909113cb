import { assertNever } from "../core/assert-never.ts";
import { formatAge, formatBytes } from "../core/catalog/human-units.ts";
import { AppError } from "../core/errors/app-error.ts";
import { parseDuration } from "../core/retention/retention-policy.ts";
import { TrashPlaces } from "../io/disk/trash-places.ts";
import { discardItem, listTrash, restoreItem, type TrashItem } from "../io/disk/trash-store.ts";
import { outermostRoots } from "../io/scan/walk-paths.ts";
import { absolutePath, localRoots, locateCatalog, openForQuery } from "./catalog-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { displayMessageFrom, displayPathFrom } from "./display-path.ts";
import { oneOf, parseFlags } from "./parse-flags.ts";

const USAGE = `Usage: ckpt trash list|restore|empty [options]

What 'ckpt prune --yes --trash' moved into DIR/.ckpt-trash/ (DIR: each --root, default every directory the
catalog covers), and into MOUNT/.ckpt-trash/ for each filesystem mounted below DIR (a checkpoint goes to its own
filesystem's trash, so the move is one rename). Each item keeps the checkpoint and its sidecar byte for byte, with
a manifest of where they were.

  ckpt trash list                     every item: when, where from, bytes, why
  ckpt trash restore PATH|ID...       move items back (by original path, or the id 'list --json' shows)
  ckpt trash empty                    delete items for good

Options:
  --all             restore: every item
  --older-than D    empty: only items trashed more than D ago (7d, 2w)
  --root DIR        a directory prune was given (repeatable)
  --json            list as JSON: [{id, path, run, bytes, reason, trashed_at}]
  --catalog PATH    the catalog whose recorded directories are searched
  -h, --help        show this help

A restored checkpoint is back on disk; 'ckpt scan DIR' (or a running 'ckpt watch') catalogues it again.

Examples:
  ckpt trash list --root runs                 what prune moved aside under runs
  ckpt trash restore runs/a/epoch=3.ckpt      put one back
  ckpt trash empty --older-than 7d            free what has been there a week
`;

const TRASH_FLAGS = {
  root: { type: "string", multiple: true },
  json: { type: "boolean", default: false },
  all: { type: "boolean", default: false },
  "older-than": { type: "string" },
  catalog: { type: "string" },
} as const;

const ACTIONS = ["list", "restore", "empty"] as const;

function itemsOf(
  context: CommandContext,
  roots: readonly string[] | undefined,
  catalog: string | undefined,
): TrashItem[] {
  let dirs = (roots ?? []).map((root) => absolutePath(context, root));
  if (dirs.length === 0) {
    const location = locateCatalog(context, catalog);
    const database = openForQuery(location);
    dirs = localRoots(location.path, database);
    database?.close();
  }
  const places = new TrashPlaces();
  return outermostRoots(dirs).flatMap((root) => places.dirsUnder(root).flatMap(listTrash));
}

function list(context: CommandContext, items: readonly TrashItem[], json: boolean): number {
  if (json) {
    const rows = items.map(({ manifest }) => ({
      id: manifest.id,
      path: manifest.original,
      run: manifest.run,
      bytes: manifest.bytes,
      reason: manifest.reason,
      trashed_at: new Date(manifest.trashed_at).toISOString(),
    }));
    context.stdout.write(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  const show = displayPathFrom(context.cwd);
  for (const { manifest } of items)
    context.stdout.write(
      `${formatAge(context.now(), manifest.trashed_at).padStart(4)} ago  ${formatBytes(manifest.bytes).padStart(8)}  ${show(manifest.original)}  (${manifest.reason})\n`,
    );
  const total = items.reduce((sum, item) => sum + item.manifest.bytes, 0);
  context.stdout.write(`${items.length} in the trash, ${formatBytes(total)}\n`);
  return 0;
}

function restore(
  context: CommandContext,
  items: readonly TrashItem[],
  wanted: readonly string[],
  all: boolean,
): number {
  if (!all && wanted.length === 0)
    throw new AppError("usage", "trash: restore needs PATH or ID arguments, or --all");
  const paths = new Set(wanted.map((text) => absolutePath(context, text)));
  const chosen = all
    ? items
    : items.filter(({ manifest }) => paths.has(manifest.original) || wanted.includes(manifest.id));
  const unmatched = wanted.filter(
    (text) =>
      !chosen.some(
        ({ manifest }) => manifest.id === text || manifest.original === absolutePath(context, text),
      ),
  );
  if (unmatched.length > 0)
    throw new AppError(
      "not-found",
      `trash: nothing in the trash is ${unmatched.join(", ")}; 'ckpt trash list' shows what is`,
    );
  const show = displayMessageFrom(context.cwd);
  let failed = 0;
  for (const item of chosen) {
    const restored = restoreItem(item);
    if (restored.success) context.stdout.write(`restored ${show(restored.data)}\n`);
    else {
      failed++;
      context.stderr.write(`ckpt: trash: ${show(restored.error)}\n`);
    }
  }
  if (chosen.length > failed) context.stdout.write("'ckpt scan DIR' catalogues them again\n");
  return failed > 0 ? 1 : 0;
}

function empty(context: CommandContext, items: readonly TrashItem[], olderThan: string | undefined): number {
  const parsed = olderThan === undefined ? null : parseDuration(olderThan);
  if (parsed !== null && !parsed.success) throw new AppError("usage", `trash: --older-than ${parsed.error}`);
  const minimum = parsed?.success ? parsed.data : 0;
  const gone = items.filter(({ manifest }) => context.now() - manifest.trashed_at >= minimum);
  for (const item of gone) discardItem(item.dir);
  const bytes = gone.reduce((sum, item) => sum + item.manifest.bytes, 0);
  context.stdout.write(
    `deleted ${gone.length} from the trash, ${formatBytes(bytes)} freed; ${items.length - gone.length} left\n`,
  );
  return 0;
}

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("trash", context.args, TRASH_FLAGS);
  if (values.help || positionals.length === 0) {
    context.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const action = oneOf("trash", "action", positionals[0], ACTIONS) ?? "list";
  const items = itemsOf(context, values.root, values.catalog);
  switch (action) {
    case "list":
      return list(context, items, values.json);
    case "restore":
      return restore(context, items, positionals.slice(1), values.all);
    case "empty":
      return empty(context, items, values["older-than"]);
    default:
      return assertNever(action);
  }
}

export const trashCommand: Command = {
  name: "trash",
  summary: "what 'prune --trash' moved aside: list, restore (byte for byte), empty [--older-than D]",
  usage: USAGE,
  run,
};
