import { createContext, type ReactNode } from "react";
import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";
import type { DiskHealth } from "../core/health/disk-health.ts";
import type { CheckpointDetail } from "../io/catalog/tui-catalog-reads.ts";
import type { CatalogStore } from "./catalog-store.ts";
import type { PrunePreview } from "./prune-preview.ts";
import type { UiAction } from "./ui-state.ts";
import type { UiStore } from "./ui-store.ts";

/** What screens may do; state is read through the stores, never through this. */
export type TuiActions = {
  readonly dispatch: (action: UiAction) => void;
  readonly loadDetail: (entry: CatalogEntry) => CheckpointDetail;
  /** Sends text to the user's clipboard (OSC 52) and shows it in the status line. */
  readonly copy: (text: string, what: string) => void;
  /** Asks whoever keeps the catalog current for a rescan. */
  readonly rescan: () => void;
  readonly quit: () => void;
  /** Why `d` cannot prune in this session (`--readonly`, a shared catalog), or null. */
  readonly pruneDisabled: string | null;
  /** Plans the run's pruning under the typed policy: shows the preview, or why there is none. */
  readonly previewPrune: (run: { readonly dir: string; readonly label: string }, spec: string) => void;
  /** Deletes what the preview showed (if the plan is still that), then re-reads the catalog. */
  readonly executePrune: (preview: PrunePreview) => void;
};

/** Presentation settings fixed for the session. */
export type TuiSettings = {
  readonly ascii: boolean;
  readonly lowBandwidth: boolean;
  readonly now: () => number;
  /** Shows a path as the user should see it (relative to the working directory). */
  readonly displayPath: (path: string) => string;
  /**
   * Disk and run health of the loaded rows (free space, fill forecast, stalled runs), asked again as the rows or
   * the clock move; absent: no disk line and no stall marks.
   */
  readonly diskHealth?: (entries: readonly CatalogEntry[], nowMs: number) => DiskHealth;
};

export const CatalogStoreContext = createContext<CatalogStore | null>(null);
export const UiStoreContext = createContext<UiStore | null>(null);
export const TuiActionsContext = createContext<TuiActions | null>(null);
export const TuiSettingsContext = createContext<TuiSettings | null>(null);

export function TuiProvider(props: {
  readonly catalog: CatalogStore;
  readonly ui: UiStore;
  readonly actions: TuiActions;
  readonly settings: TuiSettings;
  readonly children: ReactNode;
}) {
  return (
    <CatalogStoreContext.Provider value={props.catalog}>
      <UiStoreContext.Provider value={props.ui}>
        <TuiSettingsContext.Provider value={props.settings}>
          <TuiActionsContext.Provider value={props.actions}>{props.children}</TuiActionsContext.Provider>
        </TuiSettingsContext.Provider>
      </UiStoreContext.Provider>
    </CatalogStoreContext.Provider>
  );
}
