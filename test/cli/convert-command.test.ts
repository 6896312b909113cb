import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Glob } from "bun";
import { readSidecar } from "../../src/io/sidecar/sidecar-store.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { pythonWithYaml } from "../helpers/python-with-yaml.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

// The first test starts python3 to read every sidecar back.
setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const BROKEN = ["corrupt_datapkl.ckpt", "empty.ckpt", "not_a_checkpoint.ckpt", "truncated_half.ckpt"];
const PL214 = "lightning/outputs/dbnet_r18_dev_pl214/2026-11-22/14-53-02/csv_logs/version_0/checkpoints";
const MALICIOUS_SIDECAR = "broken/malicious_reduce.metadata.yaml";

function copyOfReal(root: string): string {
  const target = join(root, "real");
  cpSync(realFixtureRoot, target, { recursive: true, verbatimSymlinks: true });
  return target;
}

function sidecarsUnder(root: string): string[] {
  return [...new Glob("**/*.metadata.yaml").scanSync({ cwd: root, dot: false })].sort();
}

async function convert(args: string[], cwd: string) {
  const run = await runCliInProcess(["convert", ...args, "--json"], { cwd });
  return { ...run, summary: JSON.parse(run.stdout) as Record<string, unknown> };
}

/** Every sidecar as Python's yaml.safe_load reads it, as JSON. */
function pythonLoads(root: string, names: readonly string[]): Record<string, unknown> {
  const script = `import json, sys, yaml\nprint(json.dumps({n: yaml.safe_load(open(sys.argv[1] + "/" + n)) for n in sys.argv[2:]}))`;
  const result = Bun.spawnSync([pythonWithYaml(), "-c", script, root, ...names]);
  expect(result.stderr.toString()).toBe("");
  return JSON.parse(result.stdout.toString()) as Record<string, unknown>;
}

describe("ckpt convert", () => {
  test("--outputs-dir over a copy of the real fixtures: a valid sidecar per readable checkpoint, Python reads the same values", async () => {
    using dir = makeTempDir("convert-real");
    const root = copyOfReal(dir.path);
    const first = await convert(["--outputs-dir", root], dir.path);
    const failures = (first.summary["failures"] as { path: string; reason: string }[]).map(
      (failure) => failure.path,
    );
    expect([
      first.exitCode,
      first.summary["converted"],
      first.summary["skipped"],
      first.summary["failed"],
    ]).toEqual([1, 33, 1, 4]);
    expect(failures).toEqual(BROKEN.map((name) => `real/broken/${name}`));
    const names = sidecarsUnder(root);
    expect(names.length).toBe(33);
    const ours = Object.fromEntries(
      names.map((name) => {
        const read = readSidecar(join(root, name));
        if (!read.success || !read.data.valid) throw new Error(`${name}: invalid sidecar`);
        return [name, JSON.parse(JSON.stringify(read.data.data))];
      }),
    );
    expect(pythonLoads(root, names)).toEqual(ours);

    const second = await convert(["--outputs-dir", root], dir.path);
    expect([second.summary["converted"], second.summary["skipped"], second.summary["failed"]]).toEqual([
      0, 34, 4,
    ]);
  });

  test("a symlinked last.ckpt shares its target's sidecar; a malicious pickle gets an unsafe sidecar and a warning", async () => {
    using dir = makeTempDir("convert-link");
    const root = copyOfReal(dir.path);
    const run = await convert(["--outputs-dir", root], dir.path);
    expect(existsSync(join(root, PL214, "last.metadata.yaml"))).toBe(false);
    expect(existsSync(join(root, PL214, "epoch=2-step=24.metadata.yaml"))).toBe(true);
    const malicious = readSidecar(join(root, MALICIOUS_SIDECAR));
    expect(malicious.success && malicious.data.data?.ckpt?.safety).toEqual({
      status: "unsafe",
      dangerous: ["posix.system"],
      unknown: [],
    });
    expect(run.stderr).toContain("warning: ");
    expect(run.stderr).toContain("malicious_reduce.ckpt: UNSAFE pickle (calls posix.system)");
    // Named alone, the link still shares its target's sidecar (the target is beside it).
    const alone = await convert(["--checkpoint", join(root, PL214, "last.ckpt"), "--force"], dir.path);
    expect(alone.summary["sidecars"]).toEqual([
      relative(dir.path, join(root, PL214, "epoch=2-step=24.metadata.yaml")),
    ]);
  });

  test("--dry-run writes nothing; a user's sidecar survives without --force; --force rewrites it", async () => {
    using dir = makeTempDir("convert-force");
    const root = join(dir.path, "exp");
    cpSync(join(realFixtureRoot, "timm/output/train/20261122-145342-test_efficientnet-32"), root, {
      recursive: true,
    });
    const userSidecar = join(root, "last.metadata.yaml");
    writeFileSync(userSidecar, "# hand-written by a user\n");

    const dry = await convert(["--exp-dir", root, "--dry-run"], dir.path);
    expect([dry.summary["converted"], dry.summary["dry_run"], sidecarsUnder(root)]).toEqual([
      3,
      true,
      ["last.metadata.yaml"],
    ]);

    const kept = await convert(["--exp-dir", root], dir.path);
    expect([kept.exitCode, kept.summary["converted"], kept.summary["skipped"]]).toEqual([0, 3, 1]);
    expect(readFileSync(userSidecar, "utf8")).toBe("# hand-written by a user\n");

    const forced = await convert(["--exp-dir", root, "--force"], dir.path);
    expect([forced.exitCode, forced.summary["converted"], forced.summary["skipped"]]).toEqual([0, 4, 0]);
    const read = readSidecar(userSidecar);
    expect(read.success && read.data.data?.checkpoint_path).toBe("exp/last.pth.tar");
  });

  test("a read-only directory is a reported failure with a clear message", async () => {
    using dir = makeTempDir("convert-readonly");
    const checkpoint = join(dir.path, "ro", "bf16_weights.pt");
    cpSync(join(realFixtureRoot, "torch/bf16_weights.pt"), checkpoint);
    chmodSync(join(dir.path, "ro"), 0o555);
    chmodSync(dir.path, 0o755);
    const args = ["convert", "--checkpoint", checkpoint];
    // Root ignores directory permissions, so run the real binary as `nobody` there.
    const asRoot = process.getuid?.() === 0;
    const command = asRoot
      ? [
          "setpriv",
          "--reuid=65534",
          "--regid=65534",
          "--clear-groups",
          process.execPath,
          join(import.meta.dir, "../../src/main.ts"),
          ...args,
        ]
      : [process.execPath, join(import.meta.dir, "../../src/main.ts"), ...args];
    const result = Bun.spawnSync(command, { cwd: dir.path });
    chmodSync(join(dir.path, "ro"), 0o755);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.toString()).toContain(
      `failed: ro/bf16_weights.metadata.yaml: cannot write the sidecar, ${join(dir.path, "ro")} is read-only`,
    );
    expect(relative(dir.path, checkpoint)).toBe("ro/bf16_weights.pt");
  });

  test("exactly one of --checkpoint, --exp-dir, --outputs-dir", async () => {
    using dir = makeTempDir("convert-usage");
    const run = await runCliInProcess(["convert"], { cwd: dir.path });
    expect([run.exitCode, run.stderr]).toEqual([
      2,
      "ckpt: convert: pass exactly one of --checkpoint, --exp-dir, --outputs-dir. Run 'ckpt convert --help' for usage.\n",
    ]);
  });
});
