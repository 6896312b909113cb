import type { Key } from "ink";
import { runOf } from "../core/catalog/best-entries.ts";
import { DEFAULT_TUI_RETAIN } from "./prune-preview.ts";
import type { TuiActions } from "./store-context.tsx";
import type { DisplayRow } from "./table-rows.ts";
import type { PruneState } from "./ui-state.ts";

const CANCELLED = "prune cancelled: nothing was deleted";

/** `d` on a checkpoint or a run header: asks for the policy for that run, or says why pruning is off. */
export function startPrune(row: Extract<DisplayRow, { kind: "entry" | "run" }>, actions: TuiActions): void {
  if (actions.pruneDisabled !== null) {
    actions.dispatch({ kind: "message", text: actions.pruneDisabled });
    return;
  }
  // The run as the planner groups it (`ckpt prune`'s runs), not the table's display grouping.
  const entry = row.kind === "run" ? row.group.entries[0] : row.entry;
  if (entry === undefined) return;
  const dir = runOf(entry);
  const label = row.kind === "run" ? row.group.label : row.runLabel;
  actions.dispatch({ kind: "prune", prune: { stage: "policy", run: dir, label, text: DEFAULT_TUI_RETAIN } });
}

function editPolicy(
  input: string,
  key: Key,
  context: { readonly prune: Extract<PruneState, { stage: "policy" }>; readonly actions: TuiActions },
): void {
  const { prune, actions } = context;
  if (key.escape) actions.dispatch({ kind: "prune-end", text: CANCELLED });
  else if (key.return) actions.previewPrune({ dir: prune.run, label: prune.label }, prune.text);
  else if (key.backspace || key.delete)
    actions.dispatch({ kind: "prune", prune: { ...prune, text: [...prune.text].slice(0, -1).join("") } });
  else if (input !== "" && !key.ctrl && !key.meta)
    actions.dispatch({ kind: "prune", prune: { ...prune, text: prune.text + input } });
}

/** Keys that still move the cursor over a preview, to read each row's reason. */
function isNavigation(input: string, key: Key): boolean {
  const arrows = key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.home || key.end;
  return (
    arrows || (!key.ctrl && "jkgG".includes(input) && input !== "") || (key.ctrl && "fbdu".includes(input))
  );
}

/**
 * The keys while a prune is being asked for: the policy prompt takes every key; the preview takes y (delete),
 * n or Esc (cancel) and lets the cursor move and `?` open the help. True when the key was the prune's.
 */
export function handlePruneKey(
  input: string,
  key: Key,
  context: { readonly prune: PruneState | null; readonly actions: TuiActions },
): boolean {
  const { prune, actions } = context;
  if (prune === null) return false;
  if (prune.stage === "policy") {
    editPolicy(input, key, { prune, actions });
    return true;
  }
  if (input === "y") {
    if (prune.preview.rows.some((row) => row.action === "delete")) actions.executePrune(prune.preview);
    else actions.dispatch({ kind: "prune-end", text: "prune: nothing to delete" });
  } else if (input === "n" || key.escape) actions.dispatch({ kind: "prune-end", text: CANCELLED });
  else return !(isNavigation(input, key) || input === "?");
  return true;
}
