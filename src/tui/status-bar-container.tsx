import { useMemo } from "react";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import { coveragePercent } from "../core/catalog/catalog-stats.ts";
import { StatusBar } from "./status-bar.tsx";
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

export function StatusBarContainer() {
  const entries = useCatalog((snapshot) => snapshot.entries);
  const status = useCatalog((snapshot) => snapshot.status);
  const error = useCatalog((snapshot) => snapshot.error);
  const message = useUi((state) => state.message);
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
      message={message}
      error={error}
      hint={HINT}
    />
  );
}
