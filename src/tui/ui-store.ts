import { INITIAL_UI_STATE, reduceUi, type UiAction, type UiState } from "./ui-state.ts";

/** Navigation state (cursor, filter, sort, screen) behind the same subscribe/getSnapshot contract as the catalog. */
export type UiStore = {
  subscribe(listener: () => void): () => void;
  getSnapshot(): UiState;
  dispatch(action: UiAction): void;
};

export function createUiStore(initial: UiState = INITIAL_UI_STATE): UiStore {
  const listeners = new Set<() => void>();
  let state = initial;
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => state,
    dispatch(action) {
      const next = reduceUi(state, action);
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
  };
}
