import { describe, expect, test } from "bun:test";
import {
  beginSettle,
  DEFAULT_SETTLE_POLICY,
  decideSettle,
  type PathIdentity,
  retryDelay,
  type SettleDecision,
  type SettleEntry,
  type SettleLook,
} from "../../../src/core/daemon/settle-plan.ts";
import type { CompletenessState } from "../../../src/core/formats/completeness.ts";

const policy = DEFAULT_SETTLE_POLICY;
const id = (size: number, mtimeMs = 1, ino = 7): PathIdentity => ({ size, mtimeMs, ino });
const look = (identity: PathIdentity, state: CompletenessState): SettleLook => ({
  kind: "present",
  identity,
  completeness: { state, reason: state },
});

/** Runs looks `[at, look]` through one episode and returns each decision. */
function run(looks: readonly [number, SettleLook][], start?: SettleEntry): SettleDecision[] {
  let entry = start ?? beginSettle(undefined, 0);
  return looks.map(([now, next]) => {
    const step = decideSettle({ entry, look: next, now, policy });
    entry = step.entry;
    return step.decision;
  });
}

const complete = (size: number) => look(id(size), "complete");
const incomplete = (size: number) => look(id(size), "incomplete");
const retry = (delayMs: number, attempt: number, incompleteLooks = attempt) => ({
  kind: "retry",
  delayMs,
  attempt,
  incompleteLooks,
  completeness: { state: "incomplete", reason: "incomplete" },
});

describe("decideSettle", () => {
  const cases: [string, [number, SettleLook][], SettleDecision[]][] = [
    [
      "complete twice with the same identity → ready",
      [
        [100, complete(10)],
        [200, complete(10)],
      ],
      [
        { kind: "look-again", delayMs: 100 },
        { kind: "ready", identity: id(10), completeness: { state: "complete", reason: "complete" } },
      ],
    ],
    [
      "complete but still changing → look again until two looks agree",
      [
        [100, complete(10)],
        [200, complete(20)],
        [300, complete(20)],
      ],
      [
        { kind: "look-again", delayMs: 100 },
        { kind: "look-again", delayMs: 100 },
        { kind: "ready", identity: id(20), completeness: { state: "complete", reason: "complete" } },
      ],
    ],
    [
      "incomplete and unchanged → capped exponential backoff, never ready",
      [
        [100, incomplete(5)],
        [600, incomplete(5)],
        [1600, incomplete(5)],
        [3600, incomplete(5)],
      ],
      [retry(500, 1), retry(1000, 2), retry(2000, 3), retry(4000, 4)] as SettleDecision[],
    ],
    [
      "incomplete but growing → backoff restarts",
      [
        [100, incomplete(5)],
        [600, incomplete(5)],
        [1600, incomplete(9)],
      ],
      [retry(500, 1), retry(1000, 2), retry(500, 1, 3)] as SettleDecision[],
    ],
    [
      "truncated, then completed → ready after two agreeing complete looks",
      [
        [100, incomplete(5)],
        [600, complete(10)],
        [700, complete(10)],
      ],
      [
        retry(500, 1),
        { kind: "look-again", delayMs: 100 },
        { kind: "ready", identity: id(10), completeness: { state: "complete", reason: "complete" } },
      ] as SettleDecision[],
    ],
    [
      "corrupt and stable → a final verdict, reported",
      [
        [100, look(id(3), "corrupt")],
        [200, look(id(3), "corrupt")],
      ],
      [
        { kind: "look-again", delayMs: 100 },
        { kind: "ready", identity: id(3), completeness: { state: "corrupt", reason: "corrupt" } },
      ],
    ],
    ["missing → gone", [[100, { kind: "missing" }]], [{ kind: "gone" }]],
    [
      "incomplete and unchanged past giveUpAfterMs → abandoned",
      [
        [100, incomplete(5)],
        [3_600_000, incomplete(5)],
      ],
      [
        retry(500, 1),
        {
          kind: "abandoned",
          completeness: { state: "incomplete", reason: "incomplete" },
          incompleteForMs: 3_600_000,
        },
      ] as SettleDecision[],
    ],
  ];
  test.each(cases)("%s", (_name, looks, expected) => {
    expect(run(looks)).toEqual(expected);
  });

  test("a watch event while a file is written restarts the backoff, not the count of incomplete looks", () => {
    let entry = beginSettle(undefined, 0);
    const decisions: SettleDecision[] = [];
    for (const [now, size] of [
      [100, 5],
      [200, 9],
      [300, 14],
    ] as const) {
      entry = beginSettle(entry, now);
      const step = decideSettle({ entry, look: incomplete(size), now, policy });
      entry = step.entry;
      decisions.push(step.decision);
    }
    expect(decisions).toEqual([retry(500, 1, 1), retry(500, 1, 2), retry(500, 1, 3)] as SettleDecision[]);
    // Settled: the count starts over for the next write of the same path.
    for (const now of [400, 500]) entry = decideSettle({ entry, look: complete(20), now, policy }).entry;
    expect([entry.phase, entry.incompleteLooks]).toEqual(["idle", 0]);
    expect(run([[600, incomplete(25)]], beginSettle(entry, 600))).toEqual([
      retry(500, 1, 1),
    ] as SettleDecision[]);
  });

  test("an already reported identity is not reported again; a rewrite is", () => {
    const reported: SettleEntry = { ...beginSettle(undefined, 0), reported: id(10) };
    expect(
      run(
        [
          [100, complete(10)],
          [200, complete(10)],
        ],
        reported,
      ),
    ).toEqual([{ kind: "look-again", delayMs: 100 }, { kind: "unchanged" }]);
    expect(
      run(
        [
          [100, look(id(8, 2, 9), "complete")],
          [200, look(id(8, 2, 9), "complete")],
        ],
        reported,
      ).at(-1),
    ).toEqual({
      kind: "ready",
      identity: id(8, 2, 9),
      completeness: { state: "complete", reason: "complete" },
    });
  });
});

describe("retryDelay", () => {
  test.each([
    [1, 500],
    [2, 1000],
    [5, 8000],
    [8, 60_000],
    [40, 60_000],
  ])("attempt %d → %d ms", (attempt, expected) => {
    expect(retryDelay(attempt, policy)).toBe(expected);
  });
});
