import type { Database } from "bun:sqlite";
import type { SidecarMode } from "../core/catalog/catalog-constants.ts";
import { knownObjectsUnder, recordObjectVersions } from "../io/catalog/catalog-object-versions.ts";
import { applyCatalogChanges, recordScan } from "../io/catalog/catalog-writes.ts";
import type { PollerLease } from "../io/catalog/poller-election.ts";
import { scanS3Roots } from "../io/object-store/s3-catalog-scan.ts";
import type { S3Session } from "../io/object-store/s3-session.ts";
import type { ScanSummary } from "../io/scan/scan-summary.ts";
import type { DaemonJournal } from "./daemon-journal.ts";
import type { S3PrefixStatus } from "./daemon-status.ts";
import { nextPollInterval } from "./targeted-poller.ts";

/** With a shared catalog: who polls a prefix. Absent with a local one, where this process always does. */
export type PrefixElection = {
  /** The lease of the prefix, or null while another host holds it. */
  readonly lead: (root: string) => Promise<PollerLease | null>;
  /** Takes over the rows other hosts published under the prefix; how many went. */
  readonly claim: (root: string) => Promise<number>;
};

export type PrefixPollerOptions = {
  readonly root: string;
  readonly database: Database;
  readonly session: S3Session;
  readonly sidecars: SidecarMode;
  readonly journal: DaemonJournal;
  readonly now: () => number;
  /** Listing interval while objects keep changing; also how often a waiting host asks for the lease. */
  readonly activeMs: number;
  /** The interval a quiet prefix backs off to. */
  readonly idleMs: number;
  readonly election: PrefixElection | null;
  readonly onListed: (summary: ScanSummary) => void;
};

/** One prefix's loop: lead (or wait for the lease), list, index, back off while quiet. */
export type PrefixPoller = {
  readonly root: string;
  status(): S3PrefixStatus;
  /** The next listing's summary, or null when this host does not poll the prefix. */
  listOnce(): Promise<ScanSummary | null>;
  /** The first round: its listing, or null when another host polls the prefix (or the listing failed). */
  readonly firstRound: Promise<ScanSummary | null>;
  stop(): Promise<void>;
};

// A prefix that changed within this window keeps the active interval (as `--poll` does for NFS run directories).
const ACTIVE_WINDOW_MS = 60_000;

function changed(summary: ScanSummary): boolean {
  return summary.added + summary.updated + summary.removed > 0;
}

/** A host that does not poll a prefix keeps none of its rows: the poller's are the ones the shared catalog shows. */
function forgetPrefixRows(database: Database, root: string, now: number): number {
  const removed = [...knownObjectsUnder(database, root).keys()];
  if (removed.length === 0) return 0;
  applyCatalogChanges(database, { upserts: [], removed, now });
  recordObjectVersions(database, { versions: [], removed });
  return removed.length;
}

type PollerState = {
  role: S3PrefixStatus["role"];
  lease: PollerLease | null;
  intervalMs: number;
  lastChangeAt: number;
  listings: number;
  last: S3PrefixStatus["last_listing"];
  stopped: boolean;
  wake: () => void;
};

async function holdsLead(options: PrefixPollerOptions, state: PollerState): Promise<boolean> {
  const { election, journal, root } = options;
  if (election === null) {
    state.role = "polling";
    return true;
  }
  if (state.lease !== null) {
    if (await state.lease.stillHeld()) return true;
    journal.log("warn", "lost the poller lease of this prefix (its session ended)", { root });
    state.lease = null;
  }
  state.lease = await election.lead(root);
  if (state.lease === null) {
    if (state.role !== "waiting") {
      journal.log("info", "another host polls this prefix; waiting to take over", { root });
      const forgotten = forgetPrefixRows(options.database, root, options.now());
      if (forgotten > 0) journal.log("info", "rows left to the polling host", { root, rows: forgotten });
    }
    state.role = "waiting";
    return false;
  }
  const rows = await election.claim(root);
  journal.log("info", state.role === "waiting" ? "took over polling this prefix" : "polling this prefix", {
    root,
    rows_claimed: rows,
  });
  state.role = "polling";
  return true;
}

async function listPrefix(options: PrefixPollerOptions, state: PollerState): Promise<ScanSummary> {
  const { root, now, journal } = options;
  const summary = await scanS3Roots(options.database, {
    roots: [root],
    session: options.session,
    sidecars: options.sidecars,
    now,
    onWarning: (message) => journal.log("warn", "sidecar", { root, cause: message }),
  });
  const at = new Date(now()).toISOString();
  recordScan(options.database, { at, seconds: summary.seconds, roots: [root] });
  const { added, updated, removed, unchanged, failed } = summary;
  state.listings++;
  state.last = {
    at,
    seconds: Number(summary.seconds.toFixed(3)),
    added,
    updated,
    removed,
    unchanged,
    failed,
  };
  if (changed(summary)) state.lastChangeAt = now();
  state.intervalMs = nextPollInterval({
    currentMs: state.intervalMs,
    idleForMs: now() - state.lastChangeAt,
    activeMs: options.activeMs,
    idleMs: options.idleMs,
    windowMs: ACTIVE_WINDOW_MS,
  });
  options.onListed(summary);
  return summary;
}

async function oneRound(options: PrefixPollerOptions, state: PollerState): Promise<ScanSummary | null> {
  try {
    return (await holdsLead(options, state)) ? await listPrefix(options, state) : null;
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    options.journal.log("error", "could not poll this prefix; trying again at the next interval", {
      root: options.root,
      cause,
    });
    return null;
  }
}

/** Resolves after `ms`, or sooner when the poller is woken (to stop). */
function untilWoken(state: PollerState, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    state.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

async function pollUntilStopped(
  options: PrefixPollerOptions,
  state: PollerState,
  round: () => Promise<unknown>,
): Promise<void> {
  while (!state.stopped) {
    await untilWoken(state, state.role === "polling" ? state.intervalMs : options.activeMs);
    if (!state.stopped) await round();
  }
}

function statusOf(options: PrefixPollerOptions, state: PollerState): S3PrefixStatus {
  return {
    root: options.root,
    role: state.role,
    interval_ms: state.role === "polling" ? state.intervalMs : options.activeMs,
    listings: state.listings,
    last_listing: state.last,
  };
}

export function startPrefixPoller(options: PrefixPollerOptions): PrefixPoller {
  const state: PollerState = {
    role: "starting",
    lease: null,
    intervalMs: options.activeMs,
    lastChangeAt: options.now(),
    listings: 0,
    last: null,
    stopped: false,
    wake: () => {},
  };
  // Rounds run one at a time: the loop's and those asked for (`listOnce`) queue behind each other.
  let queue: Promise<unknown> = Promise.resolve();
  const round = () => {
    const next = queue.then(() => (state.stopped ? null : oneRound(options, state)));
    queue = next;
    return next;
  };
  const firstRound = round();
  const loop = firstRound.then(() => pollUntilStopped(options, state, round));
  return {
    root: options.root,
    status: () => statusOf(options, state),
    listOnce: round,
    firstRound,
    stop: async () => {
      state.stopped = true;
      state.wake();
      await loop;
      await queue;
      await state.lease?.release();
      state.lease = null;
    },
  };
}
