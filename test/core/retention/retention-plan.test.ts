import { describe, expect, test } from "bun:test";
import type { CatalogEntry } from "../../../src/core/catalog/catalog-entry.ts";
import { planRetention, type RetentionInput } from "../../../src/core/retention/retention-plan.ts";
import { emptyPolicy, type RetentionPolicy } from "../../../src/core/retention/retention-policy.ts";
import { sampleEntry, TEST_NOW } from "../../helpers/tui-catalog.ts";

const HOUR = 3_600_000;

/** Run `a`: nine checkpoints, step 100…900, an hour apart, hmean rising then falling (best at step 500). */
const HMEANS = [0.5, 0.6, 0.7, 0.8, 0.95, 0.9, 0.85, 0.75, 0.65];
function runA(): CatalogEntry[] {
  return HMEANS.map((hmean, at) =>
    sampleEntry("a", `step${(at + 1) * 100}.ckpt`, {
      global_step: (at + 1) * 100,
      epoch: at,
      mtime_ms: TEST_NOW - (10 - at) * HOUR,
      primary_metric: { name: "hmean", value: hmean, higher_is_better: true },
      metrics: { precision: null, recall: null, hmean, validation_loss: null },
    }),
  );
}

function plan(
  entries: readonly CatalogEntry[],
  policy: Partial<RetentionPolicy>,
  extra: Partial<RetentionInput> = {},
) {
  return planRetention({ entries, policy: { ...emptyPolicy(), ...policy }, now: TEST_NOW, ...extra }).map(
    (decision) => [
      decision.entry.path.replace(/^\/runs\/a\/checkpoints\//, ""),
      decision.action,
      decision.reason,
    ],
  );
}

const keep = (name: string, reason: string) => [name, "keep", reason];
const drop = (name: string, reason: string) => [name, "delete", reason];

describe("planRetention on a synthetic run of nine", () => {
  test("best 2 by hmean plus the latest", () => {
    expect(plan(runA(), { keepBest: 2 })).toEqual([
      drop("step100.ckpt", "rank 9 of 9 by hmean"),
      drop("step200.ckpt", "rank 8 of 9 by hmean"),
      drop("step300.ckpt", "rank 6 of 9 by hmean"),
      drop("step400.ckpt", "rank 4 of 9 by hmean"),
      keep("step500.ckpt", "best 1 of 9 by hmean"),
      keep("step600.ckpt", "best 2 of 9 by hmean"),
      drop("step700.ckpt", "rank 3 of 9 by hmean"),
      drop("step800.ckpt", "rank 5 of 9 by hmean"),
      keep("step900.ckpt", "latest"),
    ]);
  });

  test("best 1 and last 2 compose (a checkpoint stays when any rule keeps it)", () => {
    expect(plan(runA(), { keepBest: 1, keepLast: 2 })).toEqual([
      drop("step100.ckpt", "rank 9 of 9 by hmean, newest 9 of 9"),
      drop("step200.ckpt", "rank 8 of 9 by hmean, newest 8 of 9"),
      drop("step300.ckpt", "rank 6 of 9 by hmean, newest 7 of 9"),
      drop("step400.ckpt", "rank 4 of 9 by hmean, newest 6 of 9"),
      keep("step500.ckpt", "best 1 of 9 by hmean"),
      drop("step600.ckpt", "rank 2 of 9 by hmean, newest 4 of 9"),
      drop("step700.ckpt", "rank 3 of 9 by hmean, newest 3 of 9"),
      keep("step800.ckpt", "last 2 of 9"),
      keep("step900.ckpt", "latest, last 1 of 9"),
    ]);
  });

  test("every 300 steps, every 4 epochs, and modified within 3h", () => {
    const kept = (policy: Partial<RetentionPolicy>) =>
      plan(runA(), policy)
        .filter(([, action]) => action === "keep")
        .map(([name, , reason]) => `${name}: ${reason}`);
    expect(kept({ keepEvery: { count: 300, unit: "steps" } })).toEqual([
      "step300.ckpt: every 300 steps (step 300)",
      "step600.ckpt: every 300 steps (step 600)",
      "step900.ckpt: latest, every 300 steps (step 900)",
    ]);
    expect(kept({ keepEvery: { count: 4, unit: "epochs" } })).toEqual([
      "step100.ckpt: every 4 epochs (epoch 0)",
      "step500.ckpt: every 4 epochs (epoch 4)",
      "step900.ckpt: latest, every 4 epochs (epoch 8)",
    ]);
    expect(kept({ keepSinceMs: 3 * HOUR })).toEqual([
      "step800.ckpt: modified within 3h",
      "step900.ckpt: latest, modified within 3h",
    ]);
  });

  test("--metric ranks by another metric in its own direction (validation loss: lower is better)", () => {
    const entries = runA().map((entry, at) => ({
      ...entry,
      metrics: {
        precision: null,
        recall: null,
        hmean: null,
        validation_loss: [5, 4, 3, 2, 1, 2, 3, 4, 6][at] ?? null,
      },
    }));
    expect(plan(entries, { keepBest: 2, metric: "validation_loss" }).filter(([, a]) => a === "keep")).toEqual(
      [
        keep("step500.ckpt", "best 1 of 9 by validation_loss"),
        keep("step600.ckpt", "best 2 of 9 by validation_loss"),
        keep("step900.ckpt", "latest"),
      ],
    );
  });
});

describe("what every policy keeps", () => {
  const strict: Partial<RetentionPolicy> = { keepLast: 1 };

  test("pointer targets, link rows, incomplete and unread checkpoints, unsettled files", () => {
    const entries = [
      ...runA(),
      sampleEntry("a", "last.ckpt", {
        alias_of: "/runs/a/checkpoints/step300.ckpt",
        global_step: 300,
        mtime_ms: TEST_NOW - HOUR,
      }),
      sampleEntry("a", "step1000.ckpt", {
        status: "incomplete",
        global_step: 1000,
        mtime_ms: TEST_NOW - 2 * HOUR,
      }),
      sampleEntry("a", "broken.ckpt", {
        status: "corrupt",
        global_step: null,
        mtime_ms: TEST_NOW - 5 * HOUR,
      }),
    ];
    const pointers = [{ target: "/runs/a/checkpoints/step200.ckpt", name: "best_model_checkpoint" }];
    expect(plan(entries, strict, { pointers }).filter(([, action]) => action === "keep")).toEqual([
      keep("broken.ckpt", "status corrupt: never pruned"),
      keep("last.ckpt", "link to step300.ckpt, resume point (last.ckpt)"),
      keep("step1000.ckpt", "incomplete: still being written"),
      keep("step200.ckpt", "target of best_model_checkpoint"),
      keep("step300.ckpt", "target of last.ckpt"),
      keep("step900.ckpt", "latest, last 1 of 9"),
    ]);
  });

  test("a directory pointer (DeepSpeed latest, Megatron tracker) keeps every checkpoint below it", () => {
    const entries = [
      sampleEntry("ds", "global_step100/mp_rank_00_model_states.pt", {
        global_step: 100,
        mtime_ms: TEST_NOW - 3 * HOUR,
      }),
      sampleEntry("ds", "global_step200/mp_rank_00_model_states.pt", {
        global_step: 200,
        mtime_ms: TEST_NOW - 2 * HOUR,
      }),
      sampleEntry("ds", "global_step300/mp_rank_00_model_states.pt", {
        global_step: 300,
        mtime_ms: TEST_NOW - HOUR,
      }),
    ];
    const pointers = [{ target: "/runs/ds/checkpoints/global_step100/", name: "latest" }];
    expect(
      plan(entries, strict, { pointers }).map(([path, action, reason]) => [path, action, reason]),
    ).toEqual([
      ["/runs/ds/checkpoints/global_step100/mp_rank_00_model_states.pt", "keep", "target of latest"],
      ["/runs/ds/checkpoints/global_step200/mp_rank_00_model_states.pt", "delete", "newest 2 of 3"],
      ["/runs/ds/checkpoints/global_step300/mp_rank_00_model_states.pt", "keep", "latest, last 1 of 3"],
    ]);
  });

  test("an active run is left alone unless includeActive; a checkpoint changed seconds ago is not settled", () => {
    const entries = runA().map((entry, at) => (at === 8 ? { ...entry, mtime_ms: TEST_NOW - 20_000 } : entry));
    const active = plan(entries, strict);
    expect(active.every(([, action]) => action === "keep")).toBe(true);
    expect(active[0]).toEqual(keep("step100.ckpt", "run active (a file changed 20s ago)"));
    const included = plan(entries, { ...strict, includeActive: true }, { settleMs: 60_000 });
    expect(included.filter(([, action]) => action === "keep")).toEqual([
      keep("step900.ckpt", "latest, not settled (changed 20s ago), last 1 of 9"),
    ]);
    const logged = plan(runA(), strict, { logActivity: new Map([["/runs/a", TEST_NOW - 4 * 60_000]]) });
    expect(logged[0]).toEqual(keep("step100.ckpt", "run active (a file changed 4m ago)"));
  });

  test("checkpoints without the metric stay unless deleteUnranked", () => {
    const entries = runA().map((entry, at) =>
      at < 3 ? { ...entry, primary_metric: null, metrics: null } : entry,
    );
    const kept = (policy: Partial<RetentionPolicy>) =>
      plan(entries, policy)
        .filter(([, action]) => action === "keep")
        .map(([name]) => name);
    expect(kept({ keepBest: 1 })).toEqual([
      "step100.ckpt",
      "step200.ckpt",
      "step300.ckpt",
      "step500.ckpt",
      "step900.ckpt",
    ]);
    expect(plan(entries, { keepBest: 1 })[0]).toEqual(keep("step100.ckpt", "no hmean value"));
    expect(kept({ keepBest: 1, deleteUnranked: true })).toEqual(["step500.ckpt", "step900.ckpt"]);
  });

  test("the newest complete checkpoint survives every policy, each run on its own", () => {
    const other = runA().map((entry) => ({
      ...entry,
      path: entry.path.replace("/runs/a/", "/runs/b/"),
      run_dir: "/runs/b",
      ino: entry.ino + 10_000,
    }));
    for (const policy of [
      { keepBest: 1 },
      { keepLast: 1 },
      { keepEvery: { count: 7, unit: "steps" as const } },
      { keepSinceMs: 1 },
    ]) {
      const kept = plan([...runA(), ...other], policy)
        .filter(([, action]) => action === "keep")
        .map(([name]) => name);
      expect(kept).toContain("step900.ckpt");
      expect(kept).toContain("/runs/b/checkpoints/step900.ckpt");
    }
  });
});
