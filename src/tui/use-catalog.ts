import { type Context, useContext, useSyncExternalStore } from "react";
import type { CatalogSnapshot } from "./catalog-store.ts";
import {
  CatalogStoreContext,
  type TuiActions,
  TuiActionsContext,
  type TuiSettings,
  TuiSettingsContext,
  UiStoreContext,
} from "./store-context.tsx";
import type { UiState } from "./ui-state.ts";
import type { UiStore } from "./ui-store.ts";

function useRequired<T>(context: Context<T | null>, hook: string): T {
  const value = useContext(context);
  if (value === null) throw new Error(`${hook} must be used inside <TuiProvider>; wrap the screen in it`);
  return value;
}

/**
 * A slice of the catalog snapshot; re-renders only when the selected value changes (by `Object.is`), so select
 * fields of the snapshot and derive with `useMemo`, never build new objects in the selector.
 */
export function useCatalog<T>(selector: (snapshot: CatalogSnapshot) => T): T {
  const store = useRequired(CatalogStoreContext, "useCatalog");
  return useSyncExternalStore(store.subscribe, () => selector(store.getSnapshot()));
}

/** A slice of the navigation state, with the same rules as `useCatalog`. */
export function useUi<T>(selector: (state: UiState) => T): T {
  const store = useRequired(UiStoreContext, "useUi");
  return useSyncExternalStore(store.subscribe, () => selector(store.getSnapshot()));
}

/** The navigation store itself, for key handlers that must see the state a previous key just changed. */
export function useUiStore(): UiStore {
  return useRequired(UiStoreContext, "useUiStore");
}

export function useTuiActions(): TuiActions {
  return useRequired(TuiActionsContext, "useTuiActions");
}

export function useTuiSettings(): TuiSettings {
  return useRequired(TuiSettingsContext, "useTuiSettings");
}
