import { assertNever } from "../core/assert-never.ts";
import type { PrunePreview } from "./prune-preview.ts";

/** Columns `s` cycles through; `checkpoint` is the path order `ckpt ls` uses. */
export const SORT_COLUMNS = ["checkpoint", "metric", "epoch", "step", "size", "age"] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export type Screen =
  | { readonly kind: "table" }
  | { readonly kind: "detail"; readonly path: string }
  | { readonly kind: "compare"; readonly first: string; readonly second: string }
  | { readonly kind: "help"; readonly back: Exclude<Screen, { kind: "help" }> };

/** `d`: the policy being typed for a run, then the preview waiting for y or n. */
export type PruneState =
  | { readonly stage: "policy"; readonly run: string; readonly label: string; readonly text: string }
  | { readonly stage: "confirm"; readonly preview: PrunePreview };

/** Where the user is and what they asked for; the catalog data itself lives in the catalog store. */
export type UiState = {
  readonly screen: Screen;
  /** The selected row by key (stays on its row when rows arrive) and by its last known index. */
  readonly cursor: { readonly key: string | null; readonly index: number };
  readonly top: number;
  readonly filter: { readonly text: string; readonly editing: boolean };
  readonly sort: { readonly column: SortColumn; readonly descending: boolean };
  readonly collapsed: ReadonlySet<string>;
  readonly marked: readonly string[];
  readonly message: string | null;
  readonly prune: PruneState | null;
};

export type UiAction =
  | { readonly kind: "move"; readonly key: string | null; readonly index: number; readonly top: number }
  | { readonly kind: "open"; readonly screen: Screen }
  | { readonly kind: "help" }
  | { readonly kind: "back" }
  | { readonly kind: "filter-edit"; readonly text: string; readonly editing: boolean }
  | { readonly kind: "filter-clear" }
  | { readonly kind: "sort-next" }
  | { readonly kind: "sort-reverse" }
  | { readonly kind: "toggle-run"; readonly run: string; readonly collapsed?: boolean }
  | { readonly kind: "collapse-all"; readonly runs: readonly string[] }
  | { readonly kind: "toggle-mark"; readonly path: string }
  | { readonly kind: "message"; readonly text: string | null }
  | { readonly kind: "prune"; readonly prune: PruneState }
  | { readonly kind: "prune-end"; readonly text: string | null };

export const INITIAL_UI_STATE: UiState = {
  screen: { kind: "table" },
  cursor: { key: null, index: 0 },
  top: 0,
  filter: { text: "", editing: false },
  sort: { column: "checkpoint", descending: false },
  collapsed: new Set(),
  marked: [],
  message: null,
  prune: null,
};

/** Metrics and times start best or newest first; names and counters start ascending. */
const DESCENDING_FIRST: ReadonlySet<SortColumn> = new Set(["metric", "size"]);

/** The sort `s` switches to: the next column, in its natural direction. */
export function nextSort(sort: UiState["sort"]): UiState["sort"] {
  const column = SORT_COLUMNS[(SORT_COLUMNS.indexOf(sort.column) + 1) % SORT_COLUMNS.length] ?? "checkpoint";
  return { column, descending: DESCENDING_FIRST.has(column) };
}

function toggled(set: ReadonlySet<string>, key: string, on?: boolean): ReadonlySet<string> {
  const next = new Set(set);
  if (on ?? !next.has(key)) next.add(key);
  else next.delete(key);
  return next;
}

function markToggled(marked: readonly string[], path: string): readonly string[] {
  if (marked.includes(path)) return marked.filter((item) => item !== path);
  // Compare works on two: a third mark replaces the oldest.
  return [...marked, path].slice(-2);
}

/**
 * Opening a screen ends what the last message was about. A compare uses up the marks (its screen keeps both
 * paths): left behind, they would pair with the next mark unseen.
 */
function open(state: UiState, screen: Screen): UiState {
  return { ...state, screen, message: null, marked: screen.kind === "compare" ? [] : state.marked };
}

function back(state: UiState): UiState {
  const screen = state.screen;
  if (screen.kind === "help") return { ...state, screen: screen.back };
  if (screen.kind !== "table") return { ...state, screen: { kind: "table" } };
  if (state.filter.text !== "" || state.filter.editing)
    return { ...state, filter: { text: "", editing: false } };
  return { ...state, marked: [], message: null };
}

export function reduceUi(state: UiState, action: UiAction): UiState {
  switch (action.kind) {
    case "move":
      return { ...state, cursor: { key: action.key, index: action.index }, top: action.top };
    case "open":
      return open(state, action.screen);
    case "help":
      return state.screen.kind === "help"
        ? back(state)
        : { ...state, screen: { kind: "help", back: state.screen } };
    case "back":
      return back(state);
    case "filter-edit":
      return { ...state, filter: { text: action.text, editing: action.editing } };
    case "filter-clear":
      return { ...state, filter: { text: "", editing: false } };
    case "sort-next":
      return { ...state, sort: nextSort(state.sort) };
    case "sort-reverse":
      return { ...state, sort: { ...state.sort, descending: !state.sort.descending } };
    case "toggle-run":
      return { ...state, collapsed: toggled(state.collapsed, action.run, action.collapsed) };
    case "collapse-all":
      return { ...state, collapsed: state.collapsed.size > 0 ? new Set() : new Set(action.runs) };
    case "toggle-mark":
      // A message counting marks ("1 marked") would be out of date.
      return { ...state, marked: markToggled(state.marked, action.path), message: null };
    case "message":
      return { ...state, message: action.text };
    case "prune":
      return { ...state, prune: action.prune, message: null };
    case "prune-end":
      return { ...state, prune: null, message: action.text };
    default:
      return assertNever(action);
  }
}
