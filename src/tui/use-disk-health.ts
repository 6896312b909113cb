import { useMemo } from "react";
import type { DiskHealth } from "../core/health/disk-health.ts";
import { useCatalog, useTuiSettings } from "./use-catalog.ts";
import { useClock } from "./use-clock.ts";

/** Free space and stalls move with time as well as with the rows: asked again each minute and on each change. */
const HEALTH_EVERY_MS = 60_000;

/** The session's disk and run health, or null when the session has no way to ask (tests, embedders). */
export function useDiskHealth(): DiskHealth | null {
  const entries = useCatalog((snapshot) => snapshot.entries);
  const settings = useTuiSettings();
  const now = useClock(settings.now, HEALTH_EVERY_MS);
  const { diskHealth } = settings;
  return useMemo(
    () => (diskHealth === undefined ? null : diskHealth(entries, now)),
    [diskHealth, entries, now],
  );
}
