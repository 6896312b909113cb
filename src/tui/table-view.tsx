import { Box, Text } from "ink";
import { memo } from "react";
import { entrySegments, headerText, runSegments, type Segment, type TableLayout } from "./table-layout.ts";
import type { DisplayRow } from "./table-rows.ts";
import type { SortColumn } from "./ui-state.ts";

export type TableViewProps = {
  readonly rows: readonly DisplayRow[];
  /** Index of the first visible row; only `height` rows from here are rendered. */
  readonly top: number;
  readonly height: number;
  readonly cursor: number;
  readonly layout: TableLayout;
  readonly sort: { readonly column: SortColumn; readonly descending: boolean };
  readonly marked: readonly string[];
  readonly flashing: ReadonlySet<string>;
  readonly now: number;
  readonly displayPath: (path: string) => string;
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
  readonly layout: TableLayout;
  readonly selected: boolean;
  readonly marked: boolean;
  readonly flashing: boolean;
  readonly now: number;
  readonly displayPath: (path: string) => string;
};

/** One line, one `<Text>`: the cost of a frame grows with the window, not with the catalog. */
const TableRow = memo(function TableRow(props: RowProps) {
  const segments =
    props.row.kind === "run"
      ? runSegments(props.row, props.layout, { displayPath: props.displayPath, selected: props.selected })
      : entrySegments(props.row, props.layout, {
          now: props.now,
          marked: props.marked,
          selected: props.selected,
        });
  return (
    <Text
      wrap="truncate-end"
      inverse={props.selected}
      bold={props.flashing}
      {...(props.flashing ? { color: "yellowBright" } : {})}
    >
      <Spans segments={segments} />
    </Text>
  );
});

/** The checkpoint table: a header and a window of rows sliced from the full list. */
export function TableView(props: TableViewProps) {
  const visible = props.rows.slice(props.top, props.top + props.height);
  return (
    <Box flexDirection="column" height={props.height + 1}>
      <Text wrap="truncate-end" bold>
        {headerText(props.layout, props.sort)}
      </Text>
      {visible.map((row, offset) => (
        <TableRow
          key={row.key}
          row={row}
          layout={props.layout}
          selected={props.top + offset === props.cursor}
          marked={row.kind === "entry" && props.marked.includes(row.key)}
          flashing={props.flashing.has(row.key)}
          now={props.now}
          displayPath={props.displayPath}
        />
      ))}
    </Box>
  );
}
