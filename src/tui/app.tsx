import { Box, useWindowSize } from "ink";
import { assertNever } from "../core/assert-never.ts";
import { CompareScreen } from "./compare-screen.tsx";
import { DetailScreen } from "./detail-screen.tsx";
import { HelpScreen } from "./help-screen.tsx";
import { StatusBarContainer, useStatusNote } from "./status-bar-container.tsx";
import { TableScreen } from "./table-screen.tsx";
import type { Screen } from "./ui-state.ts";
import { useUi } from "./use-catalog.ts";
import { useDiskHealth } from "./use-disk-health.ts";

export type TerminalSize = { readonly columns: number; readonly rows: number };

function PageRoute(props: {
  readonly screen: Exclude<Screen, { kind: "table" }>;
  readonly width: number;
  readonly height: number;
}) {
  const { screen, width, height } = props;
  switch (screen.kind) {
    case "detail":
      return <DetailScreen path={screen.path} width={width} height={height} />;
    case "compare":
      return <CompareScreen first={screen.first} second={screen.second} width={width} height={height} />;
    case "help":
      return <HelpScreen width={width} height={height} />;
    default:
      return assertNever(screen);
  }
}

/**
 * Routes between screens and nothing else. The table stays mounted (hidden) under other screens so its derived
 * rows survive a trip to the detail. `size` fixes the terminal size (tests); otherwise it follows resizes.
 */
export function App(props: { readonly size?: TerminalSize | undefined }) {
  const windowSize = useWindowSize();
  const { columns, rows } = props.size ?? windowSize;
  const screen = useUi((state) => state.screen);
  // The status bar: its summary line, then the key hints or a note that may wrap.
  const note = useStatusNote(columns);
  const health = useDiskHealth();
  const height = Math.max(3, rows - 1 - (health === null ? 0 : 1) - (note?.rows.length ?? 1));
  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Box display={screen.kind === "table" ? "flex" : "none"}>
        <TableScreen width={columns} height={height} health={health} />
      </Box>
      {screen.kind === "table" ? null : <PageRoute screen={screen} width={columns} height={height} />}
      <StatusBarContainer note={note} health={health} />
    </Box>
  );
}
