import { describe, expect, test } from "bun:test";
import { lowerProcessPriority, type PrioritySystem } from "../../src/daemon/process-priority.ts";
import { createLogger } from "../../src/io/process/logger.ts";

function fakeSystem(options: { nice: number; denied?: boolean; ionice?: number | undefined }) {
  const calls: string[] = [];
  let nice = options.nice;
  const system: PrioritySystem = {
    getPriority: () => nice,
    setPriority: (value) => {
      if (options.denied) throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
      calls.push(`nice ${value}`);
      nice = value;
    },
    runIonice: (pid) => {
      calls.push(`ionice ${pid}`);
      return options.ionice;
    },
  };
  return { system, calls };
}

function collectingLogger() {
  const lines: string[] = [];
  const logger = createLogger({
    sink: { write: (text) => lines.push(text), isTTY: false },
    format: "text",
    now: () => 0,
  });
  return { logger, lines };
}

describe("lowerProcessPriority", () => {
  test("lowers nice to 10 and puts I/O in the idle class", () => {
    const { system, calls } = fakeSystem({ nice: 0, ionice: 0 });
    const { logger, lines } = collectingLogger();
    expect(lowerProcessPriority({ pid: 9, logger, system, ioIdle: true })).toEqual({
      nice: { kind: "lowered", from: 0, to: 10 },
      io: { kind: "idle" },
    });
    expect(calls).toEqual(["nice 10", "ionice 9"]);
    expect(lines).toEqual([]);
  });

  test("never raises a priority that is already lower", () => {
    const { system, calls } = fakeSystem({ nice: 19, ionice: 0 });
    const { logger } = collectingLogger();
    expect(lowerProcessPriority({ pid: 9, logger, system, ioIdle: false }).nice).toEqual({
      kind: "already-low",
      value: 19,
    });
    expect(calls).toEqual([]);
  });

  test("not permitted or not installed → a log line, and the daemon runs on", () => {
    const { system } = fakeSystem({ nice: 0, denied: true, ionice: undefined });
    const { logger, lines } = collectingLogger();
    expect(lowerProcessPriority({ pid: 9, logger, system, ioIdle: true })).toEqual({
      nice: { kind: "skipped", reason: "EACCES: permission denied" },
      io: { kind: "skipped", reason: "ionice is not installed" },
    });
    expect(lines).toEqual([
      '1970-01-01T00:00:00.000Z WARN could not lower CPU priority reason="EACCES: permission denied"\n',
      '1970-01-01T00:00:00.000Z I/O priority unchanged reason="ionice is not installed"\n',
    ]);
  });
});
