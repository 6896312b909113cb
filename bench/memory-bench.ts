// Memory budgets of issue 14 item 6: each input that used to cost gigabytes is generated, then `ckpt` runs on it as
// a whole process (from source) and the bench prints wall time and peak RSS (`VmHWM`, polled from /proc).
//   bun bench/memory-bench.ts [--before OTHER_CHECKOUT/src/main.ts] [--dir /tmp] [--only NAME] [--big]
// `--before` runs the same cases with another checkout (e.g. `git worktree add /tmp/before <commit>`), for a
// before/after table; cases the old code cannot finish in `--timeout` seconds are reported as such.
// `--big` adds a 600 MB metrics.csv (about 25 s to write).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { peakRssOf, runCkptMeasured } from "../test/helpers/measured-process.ts";
import {
  appendMetricsRows,
  sharedListCheckpoint,
  writeHugeHeaderSafetensors,
  writeLargeYaml,
  writeMetricsCsvRun,
  writeStepCheckpoint,
} from "../test/helpers/oversize-inputs.ts";

const { values } = parseArgs({
  options: {
    before: { type: "string" },
    dir: { type: "string", default: "/tmp" },
    only: { type: "string" },
    big: { type: "boolean", default: false },
    timeout: { type: "string", default: "180" },
  },
});
const after = resolve(import.meta.dir, "../src/main.ts");
const timeoutMs = Number(values.timeout) * 1000;
const STEPS_PER_EPOCH = 10_000;

type Row = { case: string; command: string; code: string; ms: number; rssMb: number; output: string };
type Case = { readonly name: string; run(main: string, dir: string): Promise<Row[]> };

const mb = (bytes: number) => Math.round(bytes / 1e6);

async function measured(name: string, argv: readonly string[], main: string): Promise<Row> {
  const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: process.env["HOME"] ?? "/" };
  const run = await runCkptMeasured(argv, { main, env, timeoutMs });
  const status = /"status":"([a-z-]+)"/.exec(run.stdout)?.[1];
  return {
    case: name,
    command: `ckpt ${argv[0]}`,
    code: run.timedOut ? "killed at the timeout" : (status ?? `exit ${run.exitCode}`),
    ms: Math.round(run.wallMs),
    rssMb: mb(run.maxRssBytes),
    output: `${(run.stdout.length / 1e6).toFixed(2)} MB`,
  };
}

/** `ckpt watch` on `root` until `done()` holds; peak RSS and the time to get there. */
async function daemon(
  name: string,
  main: string,
  setup: { root: string; home: string; steps: () => boolean },
) {
  const started = performance.now();
  const child = Bun.spawn(
    [process.execPath, main, "watch", setup.root, "--catalog", join(setup.home, "catalog.db")],
    {
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: setup.home,
        XDG_RUNTIME_DIR: setup.home,
        XDG_STATE_HOME: setup.home,
      },
      stdout: "ignore",
      stderr: "ignore",
    },
  );
  let peak = 0;
  let finished = false;
  while (performance.now() - started < timeoutMs) {
    peak = Math.max(peak, peakRssOf(child.pid) ?? 0);
    if (setup.steps()) {
      finished = true;
      break;
    }
    await Bun.sleep(20);
  }
  child.kill("SIGKILL");
  await child.exited;
  const ms = Math.round(performance.now() - started);
  return {
    case: name,
    command: "ckpt watch",
    code: finished ? "done" : "timeout",
    ms,
    rssMb: mb(peak),
    output: "",
  };
}

const sidecarOf = (path: string) => path.replace(/\.(ckpt|pt)$/, ".metadata.yaml");

const CASES: readonly Case[] = [
  {
    name: "shared-list pickle (100 keys × one 40-level list)",
    async run(main, dir) {
      const runs = join(dir, "runs");
      mkdirSync(runs, { recursive: true });
      const bytes = sharedListCheckpoint({ depth: 40, keys: 100, leafBytes: 700 });
      writeFileSync(join(runs, "shared.pt"), bytes);
      const label = `shared-list pickle, ${bytes.length} bytes`;
      return [
        await measured(label, ["inspect", "--json", join(runs, "shared.pt")], main),
        await measured(
          label,
          ["scan", runs, "--catalog", join(dir, "catalog.db"), "--sidecars", "off"],
          main,
        ),
      ];
    },
  },
  {
    name: "shared-list pickle, daemon",
    async run(main, dir) {
      const root = join(dir, "runs");
      mkdirSync(root, { recursive: true });
      const path = join(root, "shared.pt");
      let written = false;
      return [
        await daemon("shared-list pickle, indexed by the daemon", main, {
          root,
          home: dir,
          steps: () => {
            if (!written) {
              writeFileSync(path, sharedListCheckpoint({ depth: 40, keys: 100, leafBytes: 700 }));
              written = true;
            }
            return existsSync(sidecarOf(path));
          },
        }),
      ];
    },
  },
  {
    name: "metrics.csv, 1.57M steps",
    async run(main, dir) {
      const run = writeMetricsCsvRun(join(dir, "run"), {
        steps: 1_570_000,
        stepsPerEpoch: STEPS_PER_EPOCH,
        checkpointEpochs: [156],
      });
      const size = readFileSync(run.csv).length;
      return [
        await measured(
          `metrics.csv ${mb(size)} MB (1.57M steps)`,
          ["scan", run.root, "--catalog", join(dir, "c.db")],
          main,
        ),
      ];
    },
  },
  {
    name: "metrics.csv, ten checkpoints",
    async run(main, dir) {
      // Only the last checkpoint sits at the end of the file: the others each cost one more pass over it.
      const run = writeMetricsCsvRun(join(dir, "run"), {
        steps: 1_570_000,
        stepsPerEpoch: STEPS_PER_EPOCH,
        checkpointEpochs: [9, 24, 39, 54, 69, 84, 99, 114, 129, 156],
      });
      const label = "metrics.csv 34 MB (1.57M steps), 10 checkpoints";
      return [await measured(label, ["scan", run.root, "--catalog", join(dir, "c.db")], main)];
    },
  },
  {
    name: "metrics.csv, daemon",
    async run(main, dir) {
      // 1.4M steps logged and a checkpoint; the daemon indexes it, training logs 170k more and saves the next.
      const root = join(dir, "runs");
      const run = writeMetricsCsvRun(join(root, "run"), {
        steps: 0,
        stepsPerEpoch: STEPS_PER_EPOCH,
        checkpointEpochs: [],
      });
      const rows = { stepsPerEpoch: STEPS_PER_EPOCH, totalSteps: 1_570_000 };
      appendMetricsRows(run.csv, { from: 0, to: 1_400_000, ...rows });
      const checkpoints = join(run.root, "checkpoints");
      const first = writeStepCheckpoint(checkpoints, { step: 1_399_999, stepsPerEpoch: STEPS_PER_EPOCH });
      let second: string | undefined;
      return [
        await daemon("metrics.csv 34 MB, growing, two checkpoints", main, {
          root,
          home: dir,
          steps: () => {
            if (second === undefined && existsSync(sidecarOf(first))) {
              appendMetricsRows(run.csv, { from: 1_400_000, to: 1_570_000, ...rows });
              second = writeStepCheckpoint(checkpoints, { step: 1_569_999, stepsPerEpoch: STEPS_PER_EPOCH });
            }
            return second !== undefined && existsSync(sidecarOf(second));
          },
        }),
      ];
    },
  },
  {
    name: "safetensors header 94 MB",
    async run(main, dir) {
      const path = join(dir, "model.safetensors");
      writeHugeHeaderSafetensors(path, 1_170_000);
      return [await measured("safetensors, 94 MB header", ["inspect", "--json", path], main)];
    },
  },
  {
    name: "sidecar 100 MB",
    async run(main, dir) {
      const runs = join(dir, "runs");
      mkdirSync(runs, { recursive: true });
      writeFileSync(
        join(runs, "a.pt"),
        readFileSync(join(import.meta.dir, "../test/fixtures/real/torch/tutorial_checkpoint.pt")),
      );
      writeLargeYaml(join(runs, "a.metadata.yaml"), 100_000_000, 'schema_version: "1.0"\n');
      return [
        await measured("sidecar, 100 MB", ["validate", runs], main),
        await measured("sidecar, 100 MB", ["scan", runs, "--catalog", join(dir, "c.db")], main),
      ];
    },
  },
  ...(values.big
    ? [
        {
          name: "metrics.csv, 600 MB",
          async run(main: string, dir: string) {
            const run = writeMetricsCsvRun(join(dir, "run"), {
              steps: 27_000_000,
              stepsPerEpoch: 100_000,
              checkpointEpochs: [269],
            });
            const size = readFileSync(run.csv).length;
            return [
              await measured(
                `metrics.csv ${mb(size)} MB`,
                ["scan", run.root, "--catalog", join(dir, "c.db")],
                main,
              ),
            ];
          },
        },
      ]
    : []),
];

function print(rows: readonly (Row & { side: string })[]): void {
  console.log("| case | command | side | result | wall | peak RSS | stdout |");
  console.log("|---|---|---|---|---:|---:|---:|");
  for (const row of rows)
    console.log(
      `| ${row.case} | \`${row.command}\` | ${row.side} | ${row.code} | ${(row.ms / 1000).toFixed(2)} s | ${row.rssMb} MB | ${row.output} |`,
    );
}

const sides: Array<[string, string]> = values.before
  ? [
      ["before", resolve(values.before)],
      ["after", after],
    ]
  : [["after", after]];
const rows: Array<Row & { side: string }> = [];
for (const testCase of CASES.filter((c) => values.only === undefined || c.name.includes(values.only))) {
  for (const [side, main] of sides) {
    const dir = mkdtempSync(join(values.dir, "ckpt-memory-bench-"));
    try {
      for (const row of await testCase.run(main, dir)) rows.push({ ...row, side });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
print(rows);
