// Issue 8's smoke test: every command from the compiled binary, copied into an empty directory (no node_modules),
// with HOME and XDG dirs of its own; every exit code checked.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { binaryIn, compiledBinary } from "../helpers/compiled-binary.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const fixtures = join(import.meta.dir, "../fixtures/real");
const lightningRun = "lightning/outputs/dbnet_r18_dev_pl214/2026-11-22/14-53-02";
const timmRun = "timm/output/train/20261122-145342-test_efficientnet-32";

type Run = { exitCode: number; stdout: string; stderr: string };

describe("the compiled binary, command by command", () => {
  beforeAll(() => {
    compiledBinary();
  }, 120_000);

  test("version, info, inspect, show, convert --dry-run, validate, scan, ls, best, status, demo", () => {
    using dir = makeTempDir("bin-tour");
    const binary = binaryIn(dir.path);
    const home = join(dir.path, "home");
    mkdirSync(home);
    const ckpt = (...args: string[]): Run => {
      const result = Bun.spawnSync([binary, ...args], {
        cwd: dir.path,
        stdout: "pipe",
        stderr: "pipe",
        env: {
          PATH: "/usr/bin:/bin",
          HOME: home,
          XDG_STATE_HOME: join(home, "state"),
          XDG_RUNTIME_DIR: join(home, "rt"),
        },
      });
      return {
        exitCode: result.exitCode,
        stdout: result.stdout.toString(),
        stderr: result.stderr.toString(),
      };
    };
    cpSync(join(fixtures, lightningRun), join(dir.path, "runs/lightning"), {
      recursive: true,
      verbatimSymlinks: true,
    });
    cpSync(join(fixtures, timmRun), join(dir.path, "runs/timm"), { recursive: true });
    const checkpoint = "runs/lightning/csv_logs/version_0/checkpoints/epoch=2-step=24.ckpt";
    const catalog = join(home, "state/ckpt/catalog.db");

    expect(ckpt("--version").exitCode).toBe(0);

    const info = ckpt("info", "--json");
    expect([info.exitCode, JSON.parse(info.stdout).catalog.path]).toEqual([0, catalog]);

    const inspect = ckpt("inspect", checkpoint, "--json");
    expect([inspect.exitCode, JSON.parse(inspect.stdout).framework]).toEqual([0, "lightning"]);

    const show = ckpt("show", checkpoint, "--json");
    expect([show.exitCode, JSON.parse(show.stdout).training.epoch]).toEqual([0, 2]);

    const dryRun = ckpt("convert", "--outputs-dir", "runs", "--dry-run", "--json");
    expect(dryRun.exitCode).toBe(0);
    expect(JSON.parse(dryRun.stdout).converted).toBeGreaterThan(0);
    expect(
      readdirSync(join(dir.path, "runs/timm")).filter((name) => name.endsWith(".metadata.yaml")),
    ).toEqual([]);

    expect(ckpt("validate", "runs").exitCode).toBe(1);
    const scan = ckpt("scan", "runs", "--json");
    expect([scan.exitCode, JSON.parse(scan.stdout).failed]).toEqual([0, 0]);
    expect(ckpt("validate", "runs").exitCode).toBe(0);

    const ls = ckpt("ls", "--json");
    expect(ls.exitCode).toBe(0);
    const entries = JSON.parse(ls.stdout) as Array<{ framework: string }>;
    expect(new Set(entries.map((entry) => entry.framework))).toEqual(new Set(["lightning", "timm"]));

    const best = ckpt("best", "--json");
    expect(best.exitCode).toBe(0);
    expect((JSON.parse(best.stdout) as unknown[]).length).toBe(2);

    expect(ckpt("status").exitCode).toBe(3);

    const demo = ckpt("demo", join(dir.path, "demo"), "--no-tui", "--epoch-seconds", "0.2");
    expect(demo.exitCode).toBe(0);
    expect(demo.stdout).toContain("demo    done: every checkpoint is indexed");
    expect(existsSync(join(dir.path, "demo/catalog.db"))).toBe(true);
  }, 60_000);
});
