import { Box, Text } from "ink";
import { formatAge } from "../core/catalog/human-units.ts";
import type { DiskHealth } from "../core/health/disk-health.ts";
import { diskStatusLine } from "../core/health/disk-health-text.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import type { StoreStatus } from "./catalog-store.ts";
import { wrapLine } from "./wrap-line.ts";

/** An error or a message for the second status line, wrapped to the width. */
export type StatusNote = { readonly rows: readonly string[]; readonly error: boolean };

export type StatusBarProps = {
  readonly status: StoreStatus;
  readonly count: number;
  readonly coveragePercent: number;
  /** When the newest entry was indexed, or null for an empty catalog. */
  readonly lastIndexedAt: number | null;
  readonly now: number;
  /** Shown instead of the key hints. */
  readonly note: StatusNote | null;
  readonly hint: string;
  /** The disk line's source; null: no disk line. */
  readonly health: DiskHealth | null;
};

const DAEMON_TEXT = {
  attached: { text: "daemon attached", color: "green" },
  embedded: { text: "embedded watcher", color: "cyan" },
  "read-only": { text: "read-only", color: "yellow" },
} as const;

/** A long note (a copied path, an error's advice) gets this many rows at most; past them it is cut. */
const MAX_NOTE_ROWS = 3;

/** The catalog's error, else the last message, in (up to three) rows of `columns`, not cut at the edge. */
export function statusNote(options: {
  readonly error: string | null;
  readonly message: string | null;
  readonly columns: number;
}): StatusNote | null {
  const text = options.error ?? options.message;
  if (text === null) return null;
  const rows = wrapLine(text, options.columns, 2);
  if (rows.length <= MAX_NOTE_ROWS) return { rows, error: options.error !== null };
  const last = [...(rows[MAX_NOTE_ROWS - 1] ?? "")].slice(0, options.columns - 1).join("");
  const kept = [...rows.slice(0, MAX_NOTE_ROWS - 1), `${last}…`];
  return { rows: kept, error: options.error !== null };
}

/** Free space and forecast of each filesystem, stalled runs: red when one fills within the warning time or stalled. */
function DiskLine(props: { readonly health: DiskHealth }) {
  const line = diskStatusLine(props.health);
  return (
    <Text wrap="truncate-end" {...(line.warning ? { color: "red" } : {})}>
      {escapeControl(line.text)}
    </Text>
  );
}

/** Two lines or more: who keeps the catalog current and what it holds; the disk line; the last note or the hints. */
export function StatusBar(props: StatusBarProps) {
  const daemon = DAEMON_TEXT[props.status.daemon];
  const last =
    props.status.lastEvent ??
    (props.lastIndexedAt === null ? "no events" : `indexed ${formatAge(props.now, props.lastIndexedAt)} ago`);
  const { note } = props;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={daemon.color}>{daemon.text}</Text>
        <Text>{` │ ${props.count} checkpoints │ metadata ${props.coveragePercent.toFixed(1)}% │ ${last} │ `}</Text>
        <Text dimColor>{props.status.catalogPath}</Text>
      </Text>
      {props.health === null ? null : <DiskLine health={props.health} />}
      {note === null ? (
        <Text wrap="truncate-end" dimColor>
          {props.hint}
        </Text>
      ) : (
        note.rows.map((row, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows of one note never reorder; the index is their identity
          <Text key={index} wrap="truncate-end" {...(note.error ? { color: "red" } : {})}>
            {row}
          </Text>
        ))
      )}
    </Box>
  );
}
