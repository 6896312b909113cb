import { useMemo } from "react";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { coveragePercent } from "../core/catalog/catalog-stats.ts";
import type { DiskHealth } from "../core/health/disk-health.ts";
import { StatusBar, type StatusNote, statusNote } from "./status-bar.tsx";
import { useCatalog, useTuiSettings, useUi } from "./use-catalog.ts";
import { useClock } from "./use-clock.ts";

const HINT = "? help  / filter  s/S sort  Enter detail  Space mark  c compare  y/Y copy  r rescan  q quit";

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
  return useMemo(() => statusNote({ error, message, columns }), [error, message, columns]);
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
