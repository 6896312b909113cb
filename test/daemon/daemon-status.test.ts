import { describe, expect, test } from "bun:test";
import { DaemonStatus, renderDaemonStatus } from "../../src/daemon/daemon-status.ts";

const STATUS: DaemonStatus = {
  state: "ready",
  pid: 4242,
  version: "0.1.0",
  started_at: "2026-11-22T12:00:00.000Z",
  uptime_seconds: 75,
  roots: ["/runs/e\x1b[31mvil\nrun"],
  catalog: "/state/catalog.db",
  mode: "watch",
  queue: { queued: 1, in_flight: 1, settling: 0, incomplete: 0, removals: 148_000 },
  checkpoints_indexed: 3,
  catalog_checkpoints: 52_000,
  last_event: { at: "2026-11-22T12:01:15.000Z", message: "checkpoint removed: /runs/t\x1b]0;pwned\x07.ckpt" },
  errors_last_hour: 0,
  recent_errors: [],
  last_reconcile: null,
  log: null,
};

describe("renderDaemonStatus", () => {
  test("names escaped, each fact on its line; removals waiting in a mass deletion are counted", () => {
    expect(renderDaemonStatus(STATUS)).toBe(
      [
        "ckpt watch is running (pid 4242, up 1m 15s, inotify)",
        "roots:       /runs/e\\x1b[31mvil\\nrun",
        "catalog:     /state/catalog.db (52000 checkpoints)",
        "indexed:     3 since start",
        "queue:       1 queued, 1 in flight, 0 settling (0 incomplete), 148000 removals",
        "last event:  2026-11-22T12:01:15.000Z checkpoint removed: /runs/t\\x1b]0;pwned\\x07.ckpt",
        "errors:      0 in the last hour",
        "",
      ].join("\n"),
    );
  });

  test("a daemon of a version without the removal count still parses", () => {
    const { removals: _removals, ...queue } = STATUS.queue;
    expect(DaemonStatus.parse({ ...STATUS, queue }).queue.removals).toBe(0);
  });
});
