import { useMemo } from "react";
import { type CompareSide, compareLines } from "./compare-lines.ts";
import type { Line } from "./detail-lines.ts";
import { PagedLines } from "./paged-lines.tsx";
import { useCatalog, useTuiActions, useTuiSettings, useUi } from "./use-catalog.ts";

const GONE: readonly Line[] = [
  { text: "One of the marked checkpoints is no longer in the catalog. Esc goes back.", color: "yellow" },
];

/** Two marked checkpoints: metric differences and the hyper-parameters that differ. */
export function CompareScreen(props: {
  readonly first: string;
  readonly second: string;
  readonly width: number;
  readonly height: number;
}) {
  const entries = useCatalog((snapshot) => snapshot.entries);
  const active = useUi((state) => state.screen.kind === "compare");
  const actions = useTuiActions();
  const { displayPath } = useTuiSettings();
  const lines = useMemo(() => {
    const side = (path: string): CompareSide | null => {
      const entry = entries.find((candidate) => candidate.path === path);
      return entry === undefined ? null : { entry, detail: actions.loadDetail(entry) };
    };
    const [a, b] = [side(props.first), side(props.second)];
    return a === null || b === null ? GONE : compareLines(a, b, displayPath);
  }, [entries, props.first, props.second, actions, displayPath]);
  return (
    <PagedLines
      title="ckpt │ compare"
      lines={lines}
      active={active}
      height={props.height}
      width={props.width}
    />
  );
}
