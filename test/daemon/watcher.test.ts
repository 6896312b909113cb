import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFsWatchWatcher } from "../../src/daemon/fs-watch-watcher.ts";
import type { WatchEvent } from "../../src/daemon/watch-event.ts";
import { describeWatchEvent, settlePathOf } from "../../src/daemon/watch-event.ts";
import { startWatcher, type Watcher, type WatcherOptions } from "../../src/daemon/watcher.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A watcher over a fresh temp dir, its events as `describeWatchEvent` lines relative to the dir. */
async function watchedDir(
  start: (options: WatcherOptions) => Watcher,
  tree: Record<string, string> = {},
): Promise<{ root: string; lines: string[]; watcher: Watcher }> {
  const dir = makeTempDir("watcher");
  cleanups.push(() => dir[Symbol.dispose]());
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(join(dir.path, path, ".."), { recursive: true });
    writeFileSync(join(dir.path, path), text);
  }
  const lines: string[] = [];
  const onEvent = (event: WatchEvent) => lines.push(describeWatchEvent(event).replaceAll(`${dir.path}/`, ""));
  const watcher = start({ roots: [dir.path], onEvent });
  cleanups.push(() => watcher.close());
  await watcher.ready;
  return { root: dir.path, lines, watcher };
}

const seen = (lines: readonly string[], line: string) => () => lines.includes(line);

describe.each([
  ["startWatcher (chokidar)", startWatcher],
  ["startFsWatchWatcher (Bun fs.watch)", startFsWatchWatcher],
] as const)("%s", (_name, start) => {
  test("add, change and unlink of a checkpoint; existing files are not reported", async () => {
    const { root, lines } = await watchedDir(start, { "old.ckpt": "x" });
    expect(lines).toEqual(["ready"]);
    writeFileSync(join(root, "a.ckpt"), "1");
    await waitFor(seen(lines, "file-added checkpoint-file a.ckpt"), { what: "add" });
    writeFileSync(join(root, "a.ckpt"), "22");
    await waitFor(seen(lines, "file-changed checkpoint-file a.ckpt"), { what: "change" });
    unlinkSync(join(root, "a.ckpt"));
    await waitFor(seen(lines, "file-removed checkpoint-file a.ckpt"), { what: "unlink" });
    expect(lines.some((line) => line.includes("old.ckpt"))).toBe(false);
  });

  test("temp file + rename into place reports the final name only", async () => {
    const { root, lines } = await watchedDir(start);
    writeFileSync(join(root, "tmp.pth.tar"), "partial");
    renameSync(join(root, "tmp.pth.tar"), join(root, "last.pth.tar"));
    await waitFor(seen(lines, "file-added checkpoint-file last.pth.tar"), { what: "renamed file" });
    expect(lines.filter((line) => line.includes("tmp"))).toEqual([]);
  });

  test("HF checkpoint-N/ rotation: staging dir ignored, dirs added and removed", async () => {
    const { root, lines } = await watchedDir(start);
    mkdirSync(join(root, "out/tmp-checkpoint-2"), { recursive: true });
    writeFileSync(join(root, "out/tmp-checkpoint-2/model.safetensors"), "w");
    renameSync(join(root, "out/tmp-checkpoint-2"), join(root, "out/checkpoint-2"));
    await waitFor(seen(lines, "file-added checkpoint-dir-member out/checkpoint-2/model.safetensors"), {
      what: "member of the renamed dir",
    });
    expect(lines).toContain("dir-added checkpoint-dir out/checkpoint-2");
    rmSync(join(root, "out/checkpoint-2"), { recursive: true });
    await waitFor(seen(lines, "dir-removed checkpoint-dir out/checkpoint-2"), { what: "rotation" });
    expect(lines.filter((line) => line.includes("tmp-checkpoint"))).toEqual([]);
  });

  test("a relinked last.ckpt symlink is reported as itself, not followed", async () => {
    const { root, lines } = await watchedDir(start, { "epoch=1.ckpt": "1", "epoch=2.ckpt": "2" });
    symlinkSync("epoch=1.ckpt", join(root, "last.ckpt"));
    await waitFor(seen(lines, "file-added checkpoint-file last.ckpt"), { what: "link" });
    // `ln -sfn`: a new link renamed over the old one.
    symlinkSync("epoch=2.ckpt", join(root, "last.ckpt.new"));
    renameSync(join(root, "last.ckpt.new"), join(root, "last.ckpt"));
    await waitFor(() => lines.filter((line) => line.endsWith(" last.ckpt")).length >= 2, { what: "relink" });
    expect(lines.filter((line) => line.includes("epoch="))).toEqual([]);
  });

  test("sidecars, sidecar temps, staging and uninteresting files are ignored; metric files are not", async () => {
    const { root, lines } = await watchedDir(start);
    writeFileSync(join(root, "best.metadata.yaml"), "a: 1\n");
    writeFileSync(join(root, ".best.metadata.yaml.ckpt-tmp-abc"), "a: 1\n");
    writeFileSync(join(root, "x.pt.partial"), "p");
    writeFileSync(join(root, "notes.txt"), "n");
    mkdirSync(join(root, "node_modules"));
    writeFileSync(join(root, "node_modules/m.pt"), "m");
    writeFileSync(join(root, "metrics.csv"), "epoch,loss\n");
    await waitFor(seen(lines, "file-added metric-file metrics.csv"), { what: "metric file" });
    writeFileSync(join(root, "z.ckpt"), "z");
    await waitFor(seen(lines, "file-added checkpoint-file z.ckpt"), { what: "the last write" });
    expect(lines.filter((line) => line.startsWith("file-"))).toEqual([
      "file-added metric-file metrics.csv",
      "file-added checkpoint-file z.ckpt",
    ]);
  });
});

describe("settlePathOf", () => {
  test.each([
    [{ kind: "file-added", path: "/r/a.ckpt", role: { kind: "checkpoint-file" } }, "/r/a.ckpt"],
    [
      {
        kind: "file-changed",
        path: "/r/checkpoint-2/x.bin",
        role: { kind: "checkpoint-dir-member", checkpointDir: "/r/checkpoint-2" },
      },
      "/r/checkpoint-2",
    ],
    [{ kind: "file-changed", path: "/r/metrics.csv", role: { kind: "metric-file" } }, undefined],
    [{ kind: "dir-removed", path: "/r/checkpoint-2", role: "checkpoint-dir" }, "/r/checkpoint-2"],
    [{ kind: "dir-added", path: "/r/x", role: "directory" }, undefined],
    [{ kind: "ready" }, undefined],
  ] as [WatchEvent, string | undefined][])("%o", (event, expected) => {
    expect(settlePathOf(event)).toBe(expected);
  });
});
