import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeCheckpoint } from "../helpers/catalog-tree.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";

// One tree and catalog for the whole file: these tests only read.
const dir = mkdtempSync(join(tmpdir(), "ckpt-ls-"));
const catalog = join(dir, "catalog.db");

beforeAll(async () => {
  writeCheckpoint(join(dir, "runs/dbnet/checkpoints/epoch=1.ckpt"), {
    sample: { exp: "dbnet_r50", epoch: 1, hmean: 0.81, precision: 0.8, recall: 0.82 },
    bytes: "x".repeat(10),
  });
  writeCheckpoint(join(dir, "runs/dbnet/checkpoints/epoch=2.ckpt"), {
    sample: { exp: "dbnet_r50", epoch: 2, hmean: 0.84, precision: 0.854, recall: 0.832 },
    bytes: "x".repeat(30),
  });
  writeCheckpoint(join(dir, "runs/dbnet/checkpoints/epoch=3.ckpt"), {
    sample: { exp: "dbnet_r50", epoch: 3, hmean: null },
    bytes: "x".repeat(20),
  });
  writeCheckpoint(join(dir, "runs/lm/step100.pt"), {
    sample: {
      exp: "gpt_small",
      epoch: 0,
      step: 100,
      valLoss: 2.5,
      framework: "hf-trainer",
      architecture: "gpt2",
      task: "language-modelling",
      primary: { name: "eval_loss", value: 2.5, higher: false },
    },
  });
  // Modification times a month before the test's clock (2030-01-01), for --since/--until.
  for (const [path, iso] of [
    ["runs/lm/step100.pt", "2029-11-01T12:00:00Z"],
    ["runs/dbnet/checkpoints/epoch=1.ckpt", "2029-12-01T12:00:00Z"],
    ["runs/dbnet/checkpoints/epoch=2.ckpt", "2029-12-25T00:00:00Z"],
    ["runs/dbnet/checkpoints/epoch=3.ckpt", "2029-12-31T12:00:00Z"],
  ] as const) {
    const time = new Date(iso);
    utimesSync(join(dir, path), time, time);
  }
  mkdirSync(join(dir, "empty"));
  const scanned = await runCliInProcess(["scan", "runs", "--catalog", catalog], { cwd: dir });
  if (scanned.exitCode !== 0) throw new Error(scanned.stderr);
});

function lsRun(...args: string[]) {
  return runCliInProcess(["ls", "--catalog", catalog, ...args], { cwd: dir, now: Date.UTC(2030, 0, 1) });
}

async function ls(...args: string[]) {
  const result = await lsRun(...args);
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return result.stdout;
}

const names = (stdout: string) =>
  (JSON.parse(stdout) as { path: string }[]).map((entry) => entry.path.slice(dir.length + 1));

describe("ckpt ls", () => {
  test("--json entries carry the V1 names, the primary metric and the display string", async () => {
    const [first] = JSON.parse(await ls("--json", "--filter", "epoch=2"));
    expect(first).toMatchObject({
      path: join(dir, "runs/dbnet/checkpoints/epoch=2.ckpt"),
      exp_name: "dbnet_r50",
      framework: "lightning",
      status: "ok",
      epoch: 2,
      global_step: 200,
      metrics: {
        precision: 0.854,
        recall: 0.832,
        hmean: 0.84,
        validation_loss: null,
        additional_metrics: {},
      },
      primary_metric: { name: "hmean", value: 0.84, higher_is_better: true },
      display: "dbnet · resnet50 · dbnet_r50 (ep2 • hmean 0.840 • prec 0.854 • rec 0.832 • 20251018_1432)",
    });
  });

  const sorts: [string, string[]][] = [
    [
      "epoch",
      [
        "runs/lm/step100.pt",
        "runs/dbnet/checkpoints/epoch=1.ckpt",
        "runs/dbnet/checkpoints/epoch=2.ckpt",
        "runs/dbnet/checkpoints/epoch=3.ckpt",
      ],
    ],
    [
      "-hmean",
      [
        "runs/dbnet/checkpoints/epoch=2.ckpt",
        "runs/dbnet/checkpoints/epoch=1.ckpt",
        "runs/dbnet/checkpoints/epoch=3.ckpt",
        "runs/lm/step100.pt",
      ],
    ],
    [
      "hmean",
      [
        "runs/dbnet/checkpoints/epoch=1.ckpt",
        "runs/dbnet/checkpoints/epoch=2.ckpt",
        "runs/dbnet/checkpoints/epoch=3.ckpt",
        "runs/lm/step100.pt",
      ],
    ],
    [
      "-size",
      [
        "runs/dbnet/checkpoints/epoch=2.ckpt",
        "runs/lm/step100.pt",
        "runs/dbnet/checkpoints/epoch=3.ckpt",
        "runs/dbnet/checkpoints/epoch=1.ckpt",
      ],
    ],
    [
      "-step",
      [
        "runs/dbnet/checkpoints/epoch=3.ckpt",
        "runs/dbnet/checkpoints/epoch=2.ckpt",
        "runs/dbnet/checkpoints/epoch=1.ckpt",
        "runs/lm/step100.pt",
      ],
    ],
    [
      "val_loss",
      [
        "runs/lm/step100.pt",
        "runs/dbnet/checkpoints/epoch=1.ckpt",
        "runs/dbnet/checkpoints/epoch=2.ckpt",
        "runs/dbnet/checkpoints/epoch=3.ckpt",
      ],
    ],
  ];
  for (const [sort, expected] of sorts) {
    test(`--sort ${sort}`, async () => expect(names(await ls("--json", "--sort", sort))).toEqual(expected));
  }

  const filters: [string, string[]][] = [
    ["gpt", ["runs/lm/step100.pt"]],
    ["HF", []],
    ["/epoch=[12]\\.ckpt$/", ["runs/dbnet/checkpoints/epoch=1.ckpt", "runs/dbnet/checkpoints/epoch=2.ckpt"]],
    ["hf-trainer", ["runs/lm/step100.pt"]],
  ];
  for (const [filter, expected] of filters) {
    test(`--filter ${filter}`, async () =>
      expect(names(await ls("--json", "--filter", filter))).toEqual(expected));
  }

  test("--limit and a root", async () => {
    expect(
      names(await ls(join(dir, "runs/dbnet"), "--no-scan", "--json", "--sort", "-epoch", "--limit", "1")),
    ).toEqual(["runs/dbnet/checkpoints/epoch=3.ckpt"]);
  });

  test("--csv", async () => {
    const lines = (await ls("--csv", "--filter", "epoch=2")).split("\r\n");
    expect(lines[0]).toBe(
      "path,exp_name,framework,task,architecture,encoder,status,epoch,global_step,primary_metric,primary_value,higher_is_better,precision,recall,hmean,validation_loss,size,mtime,sidecar,run_dir,display",
    );
    expect(lines[1]).toStartWith(
      `${join(dir, "runs/dbnet/checkpoints/epoch=2.ckpt")},dbnet_r50,lightning,text-detection,dbnet,resnet50,ok,2,200,hmean,0.84,true,0.854,0.832,0.84,,30,`,
    );
  });

  test("the table follows the task's standard metrics", async () => {
    const table = await ls(
      join(dir, "runs/dbnet"),
      "--no-scan",
      "--columns",
      "experiment,epoch,hmean,precision,recall,status",
    );
    expect(table).toBe(
      [
        "experiment  epoch  h-mean  precision  recall  status",
        "dbnet_r50       1  81.00%     80.00%  82.00%  ok",
        "dbnet_r50       2  84.00%     85.40%  83.20%  ok",
        "dbnet_r50       3       —          —       —  ok",
        "",
      ].join("\n"),
    );
    expect((await ls(join(dir, "runs/dbnet"), "--no-scan")).split("\n")[0]).toBe(
      "experiment  arch   epoch  step  h-mean  precision  recall  size  age  status  path",
    );
  });

  test("checkpoints of several tasks: a table each, with that task's metrics", async () => {
    expect((await ls("--no-scan", "--wide")).split("\n")).toEqual([
      "text-detection · 3 checkpoints",
      "experiment  arch   epoch  step  h-mean  precision  recall  size  age  status  path",
      "dbnet_r50   dbnet      1   100  81.00%     80.00%  82.00%  10 B   4w  ok      runs/dbnet/checkpoints/epoch=1.ckpt",
      "dbnet_r50   dbnet      2   200  84.00%     85.40%  83.20%  30 B   7d  ok      runs/dbnet/checkpoints/epoch=2.ckpt",
      "dbnet_r50   dbnet      3   300       —          —       —  20 B  12h  ok      runs/dbnet/checkpoints/epoch=3.ckpt",
      "",
      "language-modelling · 1 checkpoint",
      "experiment  arch  epoch  step  val loss  size  age  status  path",
      "gpt_small   gpt2      0   100    2.5000  26 B   8w  ok      runs/lm/step100.pt",
      "",
    ]);
  });

  test("--sort primary never ranks one metric against another: each metric's entries together, -primary best first", async () => {
    // hmean (higher is better) first by name, its missing value last; then eval_loss (lower is better).
    expect(names(await ls("--json", "--sort", "-primary"))).toEqual([
      "runs/dbnet/checkpoints/epoch=2.ckpt",
      "runs/dbnet/checkpoints/epoch=1.ckpt",
      "runs/dbnet/checkpoints/epoch=3.ckpt",
      "runs/lm/step100.pt",
    ]);
  });

  test("--stats", async () => {
    const stats = JSON.parse(await ls("--stats", "--json"));
    expect(stats).toMatchObject({
      checkpoints: 4,
      sidecars_valid: 4,
      metadata_coverage_percent: 100,
      by_framework: { lightning: 3, "hf-trainer": 1 },
      runs: 2,
    });
  });

  const windows: [string[], string[]][] = [
    [
      ["--since", "7d"],
      ["runs/dbnet/checkpoints/epoch=2.ckpt", "runs/dbnet/checkpoints/epoch=3.ckpt"],
    ],
    [
      ["--since", "2029-12-25T00:00:00Z"],
      ["runs/dbnet/checkpoints/epoch=2.ckpt", "runs/dbnet/checkpoints/epoch=3.ckpt"],
    ],
    [
      ["--until", "2029-12-03"],
      ["runs/dbnet/checkpoints/epoch=1.ckpt", "runs/lm/step100.pt"],
    ],
    [["--since", "5w", "--until", "2w"], ["runs/dbnet/checkpoints/epoch=1.ckpt"]],
  ];
  for (const [window, expected] of windows) {
    test(`${window.join(" ")} filters by the checkpoint's mtime`, async () =>
      expect(names(await ls("--json", ...window))).toEqual(expected));
  }

  test("--sort and --columns resolve metric names in any spelling and case", async () => {
    expect(names(await ls("--json", "--sort", "-VAL/HMEAN"))).toEqual(
      names(await ls("--json", "--sort", "-hmean")),
    );
    expect(
      (await ls(join(dir, "runs/dbnet"), "--no-scan", "--columns", "Epoch,val/hmean")).split("\n")[0],
    ).toBe("epoch  h-mean");
  });
});

describe("ckpt stats --since/--until", () => {
  test("counts only the checkpoints modified in the window", async () => {
    const result = await runCliInProcess(["stats", "--catalog", catalog, "--json", "--since", "7d"], {
      cwd: dir,
      now: Date.UTC(2030, 0, 1),
    });
    expect(JSON.parse(result.stdout)).toMatchObject({
      checkpoints: 2,
      runs: 1,
      by_framework: { lightning: 2 },
    });
  });
});

describe("ckpt ls explains an empty answer on stderr", () => {
  const hints: [string[], string][] = [
    [
      ["empty"],
      "ckpt: no checkpoints under empty (ckpt finds .pt .bin .pth .ckpt .gguf .nemo .onnx .keras .pth.tar .safetensors files, Hugging Face checkpoint-N/ and Lightning sharded *.ckpt/ directories, and directories their files make checkpoints (DeepSpeed tags, torch DCP, Megatron iter_N/, Orbax steps, Accelerate and PEFT saves, sharded safetensors))\n",
    ],
    [["--filter", "nomatch"], "ckpt: none of the 4 checkpoints in the catalog matches --filter nomatch\n"],
    [["runs", "--since", "2h"], "ckpt: none of the 4 checkpoints under runs matches --since 2h\n"],
    [
      ["runs", "--filter", "gpt", "--until", "2029-01-01T00:00Z"],
      "ckpt: none of the 4 checkpoints under runs matches --filter gpt --until 2029-01-01T00:00Z\n",
    ],
  ];
  for (const [args, stderr] of hints) {
    test(args.join(" "), async () => {
      const result = await lsRun("--json", ...args);
      expect(result).toEqual({ exitCode: 0, stdout: "[]\n", stderr });
    });
  }
  test("a catalog that does not exist yet", async () => {
    const result = await runCliInProcess(["ls", "--catalog", join(dir, "none.db")], { cwd: dir });
    expect(result.stderr).toBe(
      `ckpt: the catalog ${join(dir, "none.db")} is empty; run 'ckpt scan DIR' or 'ckpt ls DIR'\n`,
    );
  });
  test("--limit 0 asked for nothing: no hint", async () =>
    expect(await lsRun("--json", "--limit", "0")).toEqual({ exitCode: 0, stdout: "[]\n", stderr: "" }));
});
