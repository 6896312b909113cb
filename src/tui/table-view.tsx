import { Box, Text } from "ink";
import { memo } from "react";
import type { StalledRun } from "../core/health/disk-health.ts";
import type { TableLayouts } from "./table-layouts.ts";
import { entrySegments, headerText, runSegments, type Segment } from "./table-row-segments.ts";
import type { DisplayRow } from "./table-rows.ts";
import type { SortColumn } from "./ui-state.ts";

export type TableViewProps = {
  readonly rows: readonly DisplayRow[];
  /** Index of the first visible row; only `height` rows from here are rendered. */
  readonly top: number;
  readonly height: number;
  readonly cursor: number;
  readonly layouts: TableLayouts;
  readonly sort: { readonly column: SortColumn; readonly descending: boolean };
  readonly marked: readonly string[];
  /** Rows a prune preview would delete. @default none */
  readonly doomed?: ReadonlySet<string>;
  readonly flashing: ReadonlySet<string>;
  readonly now: number;
  readonly displayPath: (path: string) => string;
  /** Stalled runs by run directory, marked on their header rows. */
  readonly stalled: ReadonlyMap<string, StalledRun>;
};

/** Blank spans carry no style: their colour codes would be bytes on every redrawn line for nothing to see. */
function Spans(props: { readonly segments: readonly Segment[] }) {
  return props.segments.map((segment) =>
    segment.text.trim() === "" ? (
      <Text key={segment.id}>{segment.text}</Text>
    ) : (
      <Text
        key={segment.id}
        {...(segment.color ? { color: segment.color } : {})}
        bold={segment.bold === true}
        dimColor={segment.dim === true}
      >
        {segment.text}
      </Text>
    ),
  );
}

type RowProps = {
  readonly row: DisplayRow;
  readonly layouts: TableLayouts;
  readonly sort: TableViewProps["sort"];
  readonly selected: boolean;
  readonly marked: boolean;
  readonly doomed: boolean;
  readonly flashing: boolean;
  readonly now: number;
  readonly displayPath: (path: string) => string;
  readonly stalled: StalledRun | undefined;
};

/** One line, one `<Text>`: the cost of a frame grows with the window, not with the catalog. */
const TableRow = memo(function TableRow(props: RowProps) {
  const { row } = props;
  if (row.kind === "columns")
    return (
      <Text wrap="truncate-end" dimColor>
        {headerText(props.layouts.ofRun(row.group.key), props.sort)}
      </Text>
    );
  const segments =
    row.kind === "run"
      ? runSegments(row, props.layouts.ofRun(row.key), {
          displayPath: props.displayPath,
          selected: props.selected,
          stalled: props.stalled,
        })
      : entrySegments(row, props.layouts.ofRun(row.run), {
          now: props.now,
          marked: props.marked,
          selected: props.selected,
          doomed: props.doomed,
        });
  return (
    <Text
      wrap="truncate-end"
      inverse={props.selected}
      bold={props.flashing}
      strikethrough={props.doomed}
      {...(props.flashing ? { color: "yellowBright" } : props.doomed ? { color: "magenta" } : {})}
    >
      <Spans segments={segments} />
    </Text>
  );
});

function runKeyOf(row: DisplayRow | undefined): string | null {
  if (row === undefined) return null;
  return row.kind === "entry" ? row.run : row.kind === "run" ? row.key : row.group.key;
}

/**
 * The checkpoint table: a header and a window of rows sliced from the full list. The header shows the columns of
 * the run at the top of the window (runs of several tasks also head their own rows with theirs).
 */
export function TableView(props: TableViewProps) {
  const visible = props.rows.slice(props.top, props.top + props.height);
  const topRun = runKeyOf(visible[0]);
  return (
    <Box flexDirection="column" height={props.height + 1}>
      <Text wrap="truncate-end" bold>
        {headerText(topRun === null ? props.layouts.first : props.layouts.ofRun(topRun), props.sort)}
      </Text>
      {visible.map((row, offset) => (
        <TableRow
          key={row.key}
          row={row}
          layouts={props.layouts}
          sort={props.sort}
          selected={props.top + offset === props.cursor}
          marked={row.kind === "entry" && props.marked.includes(row.key)}
          doomed={row.kind === "entry" && props.doomed?.has(row.key) === true}
          flashing={props.flashing.has(row.key)}
          now={props.now}
          displayPath={props.displayPath}
          stalled={row.kind === "run" ? props.stalled.get(row.group.dir) : undefined}
        />
      ))}
    </Box>
  );
}
