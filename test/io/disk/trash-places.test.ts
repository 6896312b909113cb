// The trash of a checkpoint's own mount: the root's `.ckpt-trash` unless the checkpoint lies on a filesystem mounted
// below the root, then that mount point's. Decided from a given mount table on a real tree, and end to end with a
// real tmpfs mounted below a root in a private mount namespace (root only; CI runs as root).
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { TrashPlaces } from "../../../src/io/disk/trash-places.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { canMakeReadOnlyWorld } from "../../helpers/read-only-world.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

/** A mountinfo line (proc(5)) for a filesystem mounted at `point` (spaces escaped as the kernel does). */
function mountLine(id: number, point: string, fsType: string): string {
  return `${id} 1 0:${id} / ${point.replaceAll(" ", "\\040")} rw,relatime shared:${id} - ${fsType} ${fsType} rw`;
}

function tree(base: string): { root: string; big: string } {
  const root = join(base, "runs");
  const big = join(root, "big disk");
  mkdirSync(join(big, "run-b", "checkpoints"), { recursive: true });
  mkdirSync(join(root, "run-a", "checkpoints"), { recursive: true });
  return { root, big };
}

describe("which trash a checkpoint goes to", () => {
  test("the root's on the root's mount; a mount point's below the root; a mount above the root changes nothing", () => {
    using dir = makeTempDir("trash-places");
    const base = realpathSync(dir.path);
    const { root, big } = tree(base);
    const table = [mountLine(1, "/", "ext4"), mountLine(2, base, "xfs"), mountLine(3, big, "tmpfs")].join(
      "\n",
    );
    const places = new TrashPlaces(() => table);
    expect(places.dirFor(join(root, "run-a/checkpoints/epoch=1.ckpt"), root)).toBe(join(root, ".ckpt-trash"));
    expect(places.dirFor(join(big, "run-b/checkpoints/epoch=1.ckpt"), root)).toBe(join(big, ".ckpt-trash"));
    // A run directory itself handed over as the root: its own trash, whatever is mounted above it.
    const run = join(big, "run-b");
    expect(places.dirFor(join(run, "checkpoints/epoch=1.ckpt"), run)).toBe(join(run, ".ckpt-trash"));
    expect(places.dirsUnder(root)).toEqual([join(root, ".ckpt-trash"), join(big, ".ckpt-trash")]);
    expect(places.dirsUnder(run)).toEqual([join(run, ".ckpt-trash")]);
  });

  test("without a mount table (macOS) every checkpoint goes to the root's trash", () => {
    using dir = makeTempDir("trash-places-none");
    const { root, big } = tree(realpathSync(dir.path));
    const places = new TrashPlaces(() => null);
    expect(places.dirFor(join(big, "run-b/checkpoints/epoch=1.ckpt"), root)).toBe(join(root, ".ckpt-trash"));
    expect(places.dirsUnder(root)).toEqual([join(root, ".ckpt-trash")]);
  });
});

const CLEVAL = "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56";
const TIMM = "timm/output/train/20261122-145342-test_efficientnet-32";
const main = resolve(import.meta.dir, "../../../src/main.ts");

/**
 * In a private mount namespace: a tmpfs at `runs/big`, a Lightning run copied onto it and a timm run beside it,
 * all files two hours old; scan, prune into the trash, list it, restore it. Each step's output lands in `out`.
 */
const SCRIPT = `set -e
mkdir -p "$ROOT/big" "$ROOT/timm"
mount -t tmpfs -o size=64m ckpt-test "$ROOT/big"
cp -a "$FIXTURES/$CLEVAL/." "$ROOT/big/"
cp -a "$FIXTURES/$TIMM/." "$ROOT/timm/"
find "$ROOT" -type f -exec touch -d '2 hours ago' {} +
ckpt() { "$BUN" "$MAIN" "$@" --catalog "$CATALOG"; }
hashes() { (cd "$ROOT" && find . -path '*/.ckpt-trash' -prune -o -type f ! -name '*.metadata.yaml' -print0 | sort -z | xargs -0 sha256sum); }
ckpt scan "$ROOT" > /dev/null
hashes > "$OUT/before.txt"
ckpt prune "$ROOT" --keep-last 1 --include-active --yes --trash > "$OUT/prune.txt"
ls -A "$ROOT/big/.ckpt-trash" > "$OUT/big-trash.txt"
ls -A "$ROOT/.ckpt-trash" > "$OUT/root-trash.txt"
ckpt trash list --json --root "$ROOT" > "$OUT/list.json"
ckpt trash restore --all --root "$ROOT" > "$OUT/restore.txt"
hashes > "$OUT/after.txt"
ckpt trash list --json --root "$ROOT" > "$OUT/list-after.json"
`;

describe("prune --trash across a mount below the root", () => {
  test.skipIf(!canMakeReadOnlyWorld())(
    "each checkpoint goes to its own filesystem's trash (one rename) and restore gives every byte back",
    () => {
      using dir = makeTempDir("trash-mount");
      const root = join(realpathSync(dir.path), "runs");
      const out = join(dir.path, "out");
      mkdirSync(out);
      const run = Bun.spawnSync(["unshare", "--mount", "--propagation", "private", "sh", "-c", SCRIPT], {
        env: {
          ...process.env,
          ROOT: root,
          OUT: out,
          CATALOG: join(dir.path, "catalog.db"),
          FIXTURES: realFixtureRoot,
          CLEVAL,
          TIMM,
          BUN: process.execPath,
          MAIN: main,
        },
      });
      expect(run.stderr.toString()).toBe("");
      expect(run.exitCode).toBe(0);
      const read = (name: string) => readFileSync(join(out, name), "utf8");
      expect(read("prune.txt")).not.toContain("another filesystem");
      const bigItems = read("big-trash.txt").trim().split("\n");
      const rootItems = read("root-trash.txt").trim().split("\n");
      expect(bigItems.length).toBeGreaterThan(0);
      expect(rootItems.length).toBeGreaterThan(0);
      const listed = (JSON.parse(read("list.json")) as { path: string }[]).map((item) => item.path);
      expect(listed.length).toBe(bigItems.length + rootItems.length);
      expect(listed.filter((path) => path.startsWith(`${root}/big/`)).length).toBe(bigItems.length);
      expect(listed.filter((path) => path.startsWith(`${root}/timm/`)).length).toBe(rootItems.length);
      expect(read("after.txt")).toBe(read("before.txt"));
      expect(JSON.parse(read("list-after.json"))).toEqual([]);
    },
  );
});
