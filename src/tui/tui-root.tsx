import { useApp } from "ink";
import { Component, type ReactNode, useMemo } from "react";
import { App, type TerminalSize } from "./app.tsx";
import type { CatalogStore } from "./catalog-store.ts";
import { osc52 } from "./osc52.ts";
import type { PrunePreview, TuiPruner } from "./prune-preview.ts";
import { type TuiActions, TuiProvider, type TuiSettings } from "./store-context.tsx";
import type { UiStore } from "./ui-store.ts";

export type TuiRootProps = {
  readonly catalog: CatalogStore;
  readonly ui: UiStore;
  readonly settings: TuiSettings;
  /** Raw bytes to the terminal, beside Ink's frames (the OSC 52 clipboard sequence). */
  readonly writeTerminal: (bytes: string) => void;
  /** Inside tmux, the clipboard sequence is also sent through tmux's passthrough. */
  readonly tmux: boolean;
  /** Asks for a rescan; resolves to what happened, for the status line. */
  readonly rescan: () => Promise<string>;
  readonly size?: TerminalSize | undefined;
  /** `d`'s planner and executor; absent: `d` says pruning is not available here. */
  readonly pruner?: TuiPruner | undefined;
};

const NO_PRUNER: TuiPruner = { kind: "disabled", why: "d (prune) is not available in this session" };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `d`'s actions over the session's pruner: previews and deletions end in the status line. */
function pruneActions(session: {
  readonly catalog: CatalogStore;
  readonly ui: UiStore;
  readonly pruner: TuiPruner | undefined;
}) {
  const { catalog, ui } = session;
  const pruner = session.pruner ?? NO_PRUNER;
  const end = (text: string) => ui.dispatch({ kind: "prune-end", text });
  if (pruner.kind === "disabled")
    return {
      pruneDisabled: pruner.why,
      previewPrune: () => end(pruner.why),
      executePrune: () => end(pruner.why),
    };
  return {
    pruneDisabled: null,
    previewPrune: (run: { readonly dir: string; readonly label: string }, spec: string) => {
      try {
        const previewed = pruner.preview(run, spec);
        if (previewed.success)
          ui.dispatch({ kind: "prune", prune: { stage: "confirm", preview: previewed.data } });
        else end(`prune: ${previewed.error}`);
      } catch (error) {
        end(`prune: ${messageOf(error)}`);
      }
    },
    executePrune: (preview: PrunePreview) => {
      ui.dispatch({ kind: "prune-end", text: "prune: deleting…" });
      pruner.execute(preview).then(
        (result) => {
          catalog.poll({ force: true });
          end(`prune: ${result}`);
        },
        (error: unknown) => end(`prune failed: ${messageOf(error)}`),
      );
    },
  };
}

/** Anything thrown while rendering ends the app through `exit(error)`, so the CLI maps it to an exit code. */
class RootErrorBoundary extends Component<
  { readonly onError: (error: Error) => void; readonly children: ReactNode },
  { failed: boolean }
> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override componentDidCatch(error: Error) {
    this.props.onError(error);
  }

  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

function useActions(props: TuiRootProps, exit: (error?: Error) => void): TuiActions {
  const { catalog, ui, writeTerminal, tmux, rescan, pruner } = props;
  const prune = useMemo(() => pruneActions({ catalog, ui, pruner }), [catalog, ui, pruner]);
  return useMemo(() => {
    const say = (text: string) => ui.dispatch({ kind: "message", text });
    return {
      dispatch: ui.dispatch,
      loadDetail: catalog.loadDetail,
      copy: (text, what) => {
        writeTerminal(osc52(text, { tmux }));
        // Terminals never confirm OSC 52 (many ignore it), so say what was sent and show it to copy by hand.
        say(`${what} sent to clipboard (OSC 52): ${text}`);
      },
      rescan: () => {
        say("rescanning…");
        rescan().then(
          (result) => {
            catalog.poll({ force: true });
            say(result);
          },
          (error: unknown) => say(`rescan failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      },
      quit: () => exit(),
      ...prune,
    };
  }, [catalog, ui, writeTerminal, tmux, rescan, exit, prune]);
}

function Wired(props: TuiRootProps) {
  const { exit } = useApp();
  const actions = useActions(props, exit);
  return (
    <RootErrorBoundary onError={exit}>
      <TuiProvider catalog={props.catalog} ui={props.ui} actions={actions} settings={props.settings}>
        <App size={props.size} />
      </TuiProvider>
    </RootErrorBoundary>
  );
}

/** The whole TUI as one element: providers, actions and the error boundary around the router. */
export function TuiRoot(props: TuiRootProps) {
  return <Wired {...props} />;
}
