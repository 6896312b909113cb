import type { Database } from "bun:sqlite";

/** The watcher running inside the TUI process; `rescan` is what `r` asks for. */
export type EmbeddedWatcher = {
  stop(): Promise<void>;
  rescan(): Promise<string>;
  /** Writes through the watcher's own catalog connection (it holds the lock); absent when it is not running. */
  withCatalog?: <T>(work: (database: Database) => T) => T;
};

/**
 * Starts keeping `catalogPath` current for `roots` inside this process, when no daemon does. `onEvent` gets one
 * line per thing worth showing in the status bar. `src/daemon/embedded-watcher.ts` has this shape.
 */
export type StartEmbeddedWatcher = (
  roots: readonly string[],
  catalogPath: string,
  options: { readonly onEvent: (message: string) => void },
) => Promise<EmbeddedWatcher>;
