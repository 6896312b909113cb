import { useMemo } from "react";
import { detailLines, type Line } from "./detail-lines.ts";
import { LinesView } from "./lines-view.tsx";
import { handlePageKey } from "./page-keys.ts";
import { useCatalog, useTuiActions, useTuiSettings, useUi } from "./use-catalog.ts";
import { useScroll } from "./use-scroll.ts";

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
  const top = useScroll({
    count: lines.length,
    height: props.height,
    isActive: active,
    onKey: (input, key) => handlePageKey(input, key, { actions, entry }),
  });
  const name = props.path.slice(props.path.lastIndexOf("/") + 1);
  return (
    <LinesView
      title={`ckpt │ detail │ ${name}`}
      lines={lines}
      top={top}
      height={props.height}
      width={props.width}
    />
  );
}
