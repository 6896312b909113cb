import { Box, Text } from "ink";
import { memo } from "react";
import { escapeControl } from "../core/text/escape-control.ts";
import type { Line } from "./detail-lines.ts";

export type LinesViewProps = {
  readonly title: string;
  readonly lines: readonly Line[];
  readonly top: number;
  readonly height: number;
  readonly width: number;
};

const LineRow = memo(function LineRow(props: { readonly line: Line }) {
  const { line } = props;
  return (
    <Text
      wrap="truncate-end"
      bold={line.bold === true}
      dimColor={line.dim === true}
      {...(line.color ? { color: line.color } : {})}
    >
      {line.text === "" ? " " : line.text}
    </Text>
  );
});

/** A scrolling page of prepared lines (detail, compare, help): only the visible window is rendered. */
export function LinesView(props: LinesViewProps) {
  const bodyHeight = Math.max(1, props.height - 1);
  const visible = props.lines
    .slice(props.top, props.top + bodyHeight)
    .map((line, offset) => ({ line, number: props.top + offset }));
  const end = Math.min(props.lines.length, props.top + bodyHeight);
  const position =
    props.lines.length > bodyHeight ? `  (${props.top + 1}–${end} of ${props.lines.length})` : "";
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      <Text wrap="truncate-end" bold>
        {/* The detail page's title names the checkpoint. */}
        {escapeControl(props.title)}
        <Text dimColor>{position}</Text>
      </Text>
      {visible.map((item) => (
        <LineRow key={item.number} line={item.line} />
      ))}
    </Box>
  );
}
