import { useMemo } from "react";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { coveragePercent } from "../core/catalog/catalog-stats.ts";
import type { DiskHealth } from "../core/health/disk-health.ts";
import { policyPromptText, previewText } from "./prune-preview.ts";
import { StatusBar, type StatusNote, statusNote } from "./status-bar.tsx";
import { useCatalog, useTuiSettings, useUi } from "./use-catalog.ts";
import { useClock } from "./use-clock.ts";

const HINT =
  "? help  / filter  s/S sort  Enter detail  Space mark  c compare  y/Y copy  d prune  r rescan  q quit";

function summarize(entries: readonly CatalogEntry[]) {
  let valid = 0;
  let last: number | null = null;
  for (const entry of entries) {
    if (entry.sidecar === "valid") valid++;
    if (last === null || entry.indexed_at > last) last = entry.indexed_at;
  }
  return { coverage: coveragePercent(valid, entries.length), lastIndexedAt: last };
}

/** The status bar's note at this width; the router sizes the screen above it by its rows. */
export function useStatusNote(columns: number): StatusNote | null {
  const error = useCatalog((snapshot) => snapshot.error);
  const message = useUi((state) => state.message);
  const prune = useUi((state) => state.prune);
  // A preview says why the row under the cursor goes or stays.
  const cursorKey = useUi((state) => (state.prune === null ? null : state.cursor.key));
  return useMemo(() => {
    const text =
      prune === null
        ? message
        : prune.stage === "policy"
          ? policyPromptText(prune.label, prune.text)
          : previewText(prune.preview, cursorKey);
    return statusNote({ error, message: text, columns });
  }, [error, message, prune, cursorKey, columns]);
}

export function StatusBarContainer(props: {
  readonly note: StatusNote | null;
  readonly health: DiskHealth | null;
}) {
  const entries = useCatalog((snapshot) => snapshot.entries);
  const status = useCatalog((snapshot) => snapshot.status);
  const settings = useTuiSettings();
  const now = useClock(settings.now, settings.lowBandwidth ? 60_000 : 10_000);
  const summary = useMemo(() => summarize(entries), [entries]);
  return (
    <StatusBar
      status={status}
      count={entries.length}
      coveragePercent={summary.coverage}
      lastIndexedAt={summary.lastIndexedAt}
      now={now}
      note={props.note}
      hint={HINT}
      health={props.health}
    />
  );
}
