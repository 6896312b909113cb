import { useMemo } from "react";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import type { Line } from "./detail-lines.ts";
import { LinesView } from "./lines-view.tsx";
import { handlePageKey } from "./page-keys.ts";
import { useTuiActions } from "./use-catalog.ts";
import { useScroll } from "./use-scroll.ts";
import { wrapLines } from "./wrap-line.ts";

export type PagedLinesProps = {
  readonly title: string;
  readonly lines: readonly Line[];
  /** Only the screen on top takes keys. */
  readonly active: boolean;
  readonly height: number;
  readonly width: number;
  /** The checkpoint the page is about, for the copy keys. */
  readonly entry?: CatalogEntry | undefined;
};

/**
 * A scrollable page of lines with the page keys: what the detail, compare and help screens share. Long lines wrap
 * rather than end in "…": an error's advice comes last.
 */
export function PagedLines(props: PagedLinesProps) {
  const actions = useTuiActions();
  const lines = useMemo(() => wrapLines(props.lines, props.width), [props.lines, props.width]);
  const top = useScroll({
    count: lines.length,
    height: props.height,
    isActive: props.active,
    onKey: (input, key) => handlePageKey(input, key, { actions, entry: props.entry }),
  });
  return <LinesView title={props.title} lines={lines} top={top} height={props.height} width={props.width} />;
}
