import type { Key } from "ink";
import { handlePruneKey, startPrune } from "./prune-keys.ts";
import { resumeSnippet } from "./resume-snippet.ts";
import type { TuiActions } from "./store-context.tsx";
import { placeCursor } from "./table-navigation.ts";
import type { DisplayRow, TableRows } from "./table-rows.ts";
import type { UiState } from "./ui-state.ts";

export type TableKeyContext = {
  readonly table: TableRows;
  readonly cursor: number;
  readonly top: number;
  /** Rows in the window. */
  readonly height: number;
  readonly ui: Pick<UiState, "filter" | "marked" | "prune">;
  readonly actions: TuiActions;
};

function moveTo(context: TableKeyContext, target: number): void {
  const view = { top: context.top, height: context.height, from: context.cursor };
  const place = placeCursor(context.table.rows, target, view);
  context.actions.dispatch({ kind: "move", ...place });
}

/** Up/down, pages and ends; true when the key was one of them. */
function navigate(input: string, key: Key, context: TableKeyContext): boolean {
  const { cursor, height } = context;
  const last = context.table.rows.length - 1;
  const half = Math.max(1, Math.floor(height / 2));
  const targets: [boolean, number][] = [
    [key.downArrow || (!key.ctrl && input === "j"), cursor + 1],
    [key.upArrow || (!key.ctrl && input === "k"), cursor - 1],
    [key.pageDown || (key.ctrl && input === "f"), cursor + height],
    [key.pageUp || (key.ctrl && input === "b"), cursor - height],
    [key.ctrl && input === "d", cursor + half],
    [key.ctrl && input === "u", cursor - half],
    [key.home || input === "g", 0],
    [key.end || input === "G", last],
  ];
  const hit = targets.find(([pressed]) => pressed);
  if (hit === undefined) return false;
  moveTo(context, hit[1]);
  return true;
}

function editFilter(input: string, key: Key, context: TableKeyContext): void {
  const { dispatch } = context.actions;
  const text = context.ui.filter.text;
  if (key.escape) dispatch({ kind: "filter-clear" });
  else if (key.return) dispatch({ kind: "filter-edit", text, editing: false });
  else if (key.backspace || key.delete)
    dispatch({ kind: "filter-edit", text: [...text].slice(0, -1).join(""), editing: true });
  else if (key.upArrow || key.downArrow || key.pageUp || key.pageDown) navigate("", key, context);
  else if (input !== "" && !key.ctrl && !key.meta)
    dispatch({ kind: "filter-edit", text: text + input, editing: true });
}

function currentRow(context: TableKeyContext): DisplayRow | undefined {
  return context.table.rows[context.cursor];
}

function compareMarked(context: TableKeyContext): void {
  const [first, second] = context.ui.marked;
  if (first === undefined || second === undefined) {
    const count = context.ui.marked.length;
    context.actions.dispatch({
      kind: "message",
      text: `mark two checkpoints with Space to compare them (${count} marked)`,
    });
    return;
  }
  context.actions.dispatch({ kind: "open", screen: { kind: "compare", first, second } });
}

function onRow(input: string, key: Key, context: TableKeyContext): boolean {
  const row = currentRow(context);
  if (row === undefined || row.kind === "columns") return false;
  const { dispatch } = context.actions;
  const run = row.kind === "run" ? row.key : row.run;
  if (key.return && row.kind === "run") dispatch({ kind: "toggle-run", run });
  else if (key.return && row.kind === "entry")
    dispatch({ kind: "open", screen: { kind: "detail", path: row.entry.path } });
  else if (key.leftArrow || input === "h") {
    dispatch({ kind: "toggle-run", run, collapsed: true });
    const header = context.table.indexOf(run, context.cursor);
    if (header !== undefined) moveTo(context, header);
  } else if (key.rightArrow || input === "l") dispatch({ kind: "toggle-run", run, collapsed: false });
  else if (input === " " && row.kind === "entry") {
    dispatch({ kind: "toggle-mark", path: row.entry.path });
    moveTo(context, context.cursor + 1);
  } else if (input === "y" && row.kind === "entry") context.actions.copy(row.entry.path, "path");
  else if (input === "Y" && row.kind === "entry")
    context.actions.copy(resumeSnippet(row.entry), "resume snippet");
  else if (input === "d") startPrune(row, context.actions);
  else return false;
  return true;
}

function keyOf(char: string, chunk: Key): [string, Key] {
  const plain: Key = {
    ...chunk,
    return: false,
    backspace: false,
    delete: false,
    tab: false,
    ctrl: false,
    escape: false,
  };
  const code = char.charCodeAt(0);
  if (char === "\r" || char === "\n") return [char, { ...plain, return: true }];
  if (char === "\x7f" || char === "\b") return ["", { ...plain, backspace: true }];
  if (char === "\t") return ["", { ...plain, tab: true }];
  if (code < 0x20) return [String.fromCharCode(code + 96), { ...plain, ctrl: true }];
  return [char, plain];
}

/**
 * Keys typed faster than a frame (tmux send-keys, a held key over SSH) arrive as one chunk: split it back into
 * keys. Chunks with escape sequences (arrows, pastes in bracketed mode) stay whole.
 */
export function splitKeys(input: string, key: Key): [string, Key][] {
  if (input.length <= 1 || input.includes("\x1b")) return [[input, key]];
  return [...input].map((char) => keyOf(char, key));
}

/** Every key of the table screen (the help overlay lists them). */
export function handleTableKey(input: string, key: Key, context: TableKeyContext): void {
  if (context.ui.filter.editing) {
    editFilter(input, key, context);
    return;
  }
  if (handlePruneKey(input, key, { prune: context.ui.prune, actions: context.actions })) return;
  if (navigate(input, key, context) || onRow(input, key, context)) return;
  const { dispatch } = context.actions;
  if (input === "q") context.actions.quit();
  else if (input === "?") dispatch({ kind: "help" });
  else if (key.escape) dispatch({ kind: "back" });
  else if (input === "/") dispatch({ kind: "filter-edit", text: context.ui.filter.text, editing: true });
  else if (input === "s") dispatch({ kind: "sort-next" });
  else if (input === "S") dispatch({ kind: "sort-reverse" });
  else if (input === "c") compareMarked(context);
  else if (input === "r") context.actions.rescan();
  else if (input === "z") {
    const runs = context.table.rows.flatMap((row) => (row.kind === "run" ? [row.key] : []));
    dispatch({ kind: "collapse-all", runs });
  }
}
