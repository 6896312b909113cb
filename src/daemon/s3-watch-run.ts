import type { Database } from "bun:sqlite";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import type { S3Session } from "../io/object-store/s3-session.ts";
import type { Logger } from "../io/process/logger.ts";
import type { ScanSummary } from "../io/scan/scan-summary.ts";
import type { DaemonJournal } from "./daemon-journal.ts";
import type { DAEMON_STATES } from "./daemon-status.ts";
import type { PrefixElection, PrefixPoller } from "./s3-prefix-poller.ts";

export type S3WatchOptions = {
  /** s3://bucket/prefix roots; each gets its own poller. */
  readonly roots: readonly string[];
  readonly catalogPath: string;
  readonly sidecars: SidecarMode;
  readonly session: S3Session;
  readonly logger: Logger;
  readonly now: () => number;
  readonly pid: number;
  readonly version: string;
  readonly noWal: boolean;
  /** Listing interval while objects keep changing (`--poll=SECONDS`). */
  readonly activeMs: number;
  /** The interval a quiet prefix backs off to, doubling from `activeMs`. @default 60_000 */
  readonly idleMs?: number;
  /** With a shared catalog: one poller per prefix among the hosts. @default null (this process polls every prefix) */
  readonly election?: PrefixElection | null;
  /** Where the log goes, for `ckpt status`. @default null */
  readonly logPath?: string | null;
};

/** The state of one `ckpt watch s3://…`, shared by the watch and its status. */
export type S3WatchRun = {
  readonly options: S3WatchOptions;
  readonly database: Database;
  readonly journal: DaemonJournal;
  readonly pollers: Map<string, PrefixPoller>;
  readonly startedAt: number;
  state: (typeof DAEMON_STATES)[number];
  indexed: number;
  lastListing: (ScanSummary & { at: number }) | null;
};
