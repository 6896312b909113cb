import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeCheckpoint } from "../helpers/catalog-tree.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";

// One small catalog for the file: these tests only read it.
const dir = mkdtempSync(join(tmpdir(), "ckpt-typos-"));
const catalog = join(dir, "catalog.db");

beforeAll(async () => {
  writeCheckpoint(join(dir, "runs/dbnet/checkpoints/epoch=1.ckpt"), {
    sample: { exp: "dbnet", epoch: 1, hmean: 0.81, valLoss: 0.5 },
  });
  const scanned = await runCliInProcess(["scan", "runs", "--catalog", catalog], { cwd: dir });
  if (scanned.exitCode !== 0) throw new Error(scanned.stderr);
});

const run = (argv: readonly string[]) => runCliInProcess(argv, { cwd: dir, env: { CKPT_CATALOG: catalog } });

describe("every typo is a usage error (exit 2) naming the nearest valid choices, and prints nothing on stdout", () => {
  const cases: [string[], string][] = [
    [["lss"], "ckpt: unknown command 'lss'. Did you mean 'ls'?"],
    [["bets", "runs"], "ckpt: unknown command 'bets'. Did you mean 'best'?"],
    [["frobnicate"], "ckpt: unknown command 'frobnicate'. Run 'ckpt --help' to see the commands."],
    [["--verison"], "ckpt: unknown option '--verison'. Did you mean '--version'?"],
    [["help", "lss"], "ckpt: unknown command 'lss'. Did you mean 'ls'?"],
    [
      ["ls", "--sortt", "-hmean"],
      "ckpt: ls: unknown option '--sortt'. Did you mean '--sort'? Run 'ckpt ls --help' for the options.",
    ],
    [
      ["ls", "-sort", "epoch"],
      "ckpt: ls: unknown option '-sort'. Did you mean '--sort'? Run 'ckpt ls --help' for the options.",
    ],
    [["ls", "-x"], "ckpt: ls: unknown option '-x'. Run 'ckpt ls --help' for the options."],
    [
      ["convert", "-V"],
      "ckpt: convert: unknown option '-V'. Did you mean '-v'? Run 'ckpt convert --help' for the options.",
    ],
    [
      ["best", "--metrics", "hmean"],
      "ckpt: best: unknown option '--metrics'. Did you mean '--metric'? Run 'ckpt best --help' for the options.",
    ],
    [["ls", "--limit"], "ckpt: ls: --limit needs a value. Run 'ckpt ls --help' for the options."],
    [
      ["ls", "--catalog", "--json"],
      "ckpt: ls: --catalog needs a value, but got the option '--json'; write --catalog=--json if that is the value. Run 'ckpt ls --help' for the options.",
    ],
    [
      ["ls", "--json=yes"],
      "ckpt: ls: --json takes no value (got '--json=yes'). Run 'ckpt ls --help' for the options.",
    ],
    [
      ["ls", "runs", "--sort", "-hmaen"],
      "ckpt: ls: unknown sort key '-hmaen'. Did you mean '-hmean'? Run 'ckpt ls --sort help' to list them.",
    ],
    [
      ["ls", "--sort", "epoh"],
      "ckpt: ls: unknown sort key 'epoh'. Did you mean 'epoch'? Run 'ckpt ls --sort help' to list them.",
    ],
    [
      ["best", "runs", "--metric", "hmaen"],
      "ckpt: best: unknown metric 'hmaen'. Did you mean 'hmean'? Run 'ckpt best --metric help' to list them.",
    ],
    [
      ["best", "--metric", "val_los"],
      "ckpt: best: unknown metric 'val_los'. Did you mean 'val_loss'? Run 'ckpt best --metric help' to list them.",
    ],
    [
      ["ls", "--columns", "path,foo"],
      "ckpt: ls: unknown column 'foo'. Run 'ckpt ls --columns help' to list them.",
    ],
    [
      ["ls", "--columns", "\u001b[2Jx"],
      "ckpt: ls: unknown column '\\x1b[2Jx'. Run 'ckpt ls --columns help' to list them.",
    ],
    [
      ["ls", "--columns", "experimnt,hmean"],
      "ckpt: ls: unknown column 'experimnt'. Did you mean 'experiment'? Run 'ckpt ls --columns help' to list them.",
    ],
    [
      ["best", "--columns", "path,hmaen"],
      "ckpt: best: unknown column 'hmaen'. Did you mean 'hmean'? Run 'ckpt best --columns help' to list them.",
    ],
    [
      ["ls", "--sidecars", "wrte"],
      "ckpt: ls: --sidecars must be one of write, read, off (got 'wrte'). Did you mean 'write'?",
    ],
    [
      ["stats", "--since", "7days"],
      "ckpt: stats: --since '7days' is not a time; use a duration back from now (30m, 12h, 7d, 2w) or a date or time (2026-11-20, 2026-11-20T14:30, 2026-11-20T14:30:00Z)",
    ],
    [
      ["completion", "bsh"],
      "ckpt: completion: unknown shell 'bsh'. Did you mean 'bash' or 'zsh'? Use one of bash, zsh, fish.",
    ],
  ];
  for (const [argv, stderr] of cases) {
    test(argv.join(" "), async () => {
      expect(await run(argv)).toEqual({ exitCode: 2, stdout: "", stderr: `${stderr}\n` });
    });
  }
});

describe("'help' as a name's value lists the valid ones", () => {
  const cases: [string[], string[]][] = [
    [
      ["ls", "--sort", "help"],
      ["Sort keys", "path, epoch, step, mtime, size, primary", "hmean", "validation_loss"],
    ],
    [
      ["best", "--metric", "help"],
      ["Metrics", "hmean", "↑", "validation_loss", "↓"],
    ],
    [
      ["ls", "--columns", "HELP"],
      ["Columns", "experiment, architecture", "display", "mAP50"],
    ],
  ];
  for (const [argv, fragments] of cases) {
    test(argv.join(" "), async () => {
      const result = await run(argv);
      expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: "" });
      for (const fragment of fragments) expect(result.stdout).toContain(fragment);
    });
  }
});
