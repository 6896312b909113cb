import { Box, Text } from "ink";
import { formatAge } from "../core/catalog/human-units.ts";
import type { StoreStatus } from "./catalog-store.ts";

export type StatusBarProps = {
  readonly status: StoreStatus;
  readonly count: number;
  readonly coveragePercent: number;
  /** When the newest entry was indexed, or null for an empty catalog. */
  readonly lastIndexedAt: number | null;
  readonly now: number;
  readonly message: string | null;
  readonly error: string | null;
  readonly hint: string;
};

const DAEMON_TEXT = {
  attached: { text: "daemon attached", color: "green" },
  embedded: { text: "embedded watcher", color: "cyan" },
  "read-only": { text: "read-only", color: "yellow" },
} as const;

/** Two lines: who keeps the catalog current and what it holds; then the last message or the key hints. */
export function StatusBar(props: StatusBarProps) {
  const daemon = DAEMON_TEXT[props.status.daemon];
  const last =
    props.status.lastEvent ??
    (props.lastIndexedAt === null ? "no events" : `indexed ${formatAge(props.now, props.lastIndexedAt)} ago`);
  const second = props.error ?? props.message ?? props.hint;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={daemon.color}>{daemon.text}</Text>
        <Text>{` │ ${props.count} checkpoints │ metadata ${props.coveragePercent.toFixed(1)}% │ ${last} │ `}</Text>
        <Text dimColor>{props.status.catalogPath}</Text>
      </Text>
      <Text
        wrap="truncate-end"
        {...(props.error === null ? {} : { color: "red" })}
        dimColor={props.error === null && props.message === null}
      >
        {second}
      </Text>
    </Box>
  );
}
