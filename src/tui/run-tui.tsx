import { render } from "ink";
import type { CatalogStore } from "./catalog-store.ts";
import type { TuiPruner } from "./prune-preview.ts";
import type { TuiSettings } from "./store-context.tsx";
import { TuiRoot } from "./tui-root.tsx";
import { createUiStore } from "./ui-store.ts";

export type TuiStreams = {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
};

export type RunTuiOptions = {
  readonly streams: TuiStreams;
  readonly catalog: CatalogStore;
  readonly settings: TuiSettings;
  readonly tmux: boolean;
  readonly rescan: () => Promise<string>;
  /** `d`'s planner and executor, or why the session cannot prune. */
  readonly pruner: TuiPruner;
};

/**
 * Draws the TUI full-screen until the user quits. Only changed lines are rewritten (`incrementalRendering`), on
 * the alternate screen, so quitting restores what was there; `--low-bandwidth` also caps the frame rate.
 * Rejects with the error that ended it, if any.
 */
export async function runTui(options: RunTuiOptions): Promise<void> {
  const { streams, catalog } = options;
  const ui = createUiStore();
  catalog.start();
  const instance = render(
    <TuiRoot
      catalog={catalog}
      ui={ui}
      settings={options.settings}
      writeTerminal={(bytes) => streams.stdout.write(bytes)}
      tmux={options.tmux}
      rescan={options.rescan}
      pruner={options.pruner}
    />,
    {
      stdin: streams.stdin,
      stdout: streams.stdout,
      stderr: streams.stderr,
      alternateScreen: true,
      incrementalRendering: true,
      maxFps: options.settings.lowBandwidth ? 4 : 30,
      exitOnCtrlC: true,
    },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    catalog.stop();
  }
}
