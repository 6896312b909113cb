import type { Key } from "ink";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { resumeSnippet } from "./resume-snippet.ts";
import type { TuiActions } from "./store-context.tsx";

/** Keys every non-table screen shares: back, quit, help, and copying the checkpoint shown. */
export function handlePageKey(
  input: string,
  key: Key,
  options: { actions: TuiActions; entry?: CatalogEntry | undefined },
): void {
  const { actions, entry } = options;
  if (key.escape || key.leftArrow || key.backspace || input === "h") actions.dispatch({ kind: "back" });
  else if (input === "q") actions.quit();
  else if (input === "?") actions.dispatch({ kind: "help" });
  else if (input === "y" && entry !== undefined) actions.copy(entry.path, "path");
  else if (input === "Y" && entry !== undefined) actions.copy(resumeSnippet(entry), "resume snippet");
}
