import { useMemo } from "react";
import { detailLines, type Line } from "./detail-lines.ts";
import { PagedLines } from "./paged-lines.tsx";
import { useCatalog, useTuiActions, useTuiSettings, useUi } from "./use-catalog.ts";

const GONE: readonly Line[] = [
  { text: "This checkpoint is no longer in the catalog (deleted or moved). Esc goes back.", color: "yellow" },
];

/** One checkpoint: file facts, curves, validation, safety and the metadata with its sources. */
export function DetailScreen(props: {
  readonly path: string;
  readonly width: number;
  readonly height: number;
}) {
  const entries = useCatalog((snapshot) => snapshot.entries);
  const active = useUi((state) => state.screen.kind === "detail");
  const actions = useTuiActions();
  const { ascii, displayPath } = useTuiSettings();
  const entry = useMemo(
    () => entries.find((candidate) => candidate.path === props.path),
    [entries, props.path],
  );
  const detail = useMemo(() => (entry === undefined ? null : actions.loadDetail(entry)), [entry, actions]);
  const lines = useMemo(
    () =>
      entry === undefined || detail === null
        ? GONE
        : detailLines(entry, detail, { width: props.width, ascii, displayPath }),
    [entry, detail, props.width, ascii, displayPath],
  );
  const name = props.path.slice(props.path.lastIndexOf("/") + 1);
  return (
    <PagedLines
      title={`ckpt │ detail │ ${name}`}
      lines={lines}
      active={active}
      height={props.height}
      width={props.width}
      entry={entry}
    />
  );
}
