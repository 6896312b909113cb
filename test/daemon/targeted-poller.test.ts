import { afterEach, describe, expect, test } from "bun:test";
import { lstatSync, mkdirSync, readdirSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  nextPollInterval,
  startTargetedPoller,
  type TargetedPoller,
} from "../../src/daemon/targeted-poller.ts";
import { describeWatchEvent, type WatchEvent } from "../../src/daemon/watch-event.ts";
import { createManualClock } from "../helpers/manual-clock.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function polled(
  tree: Record<string, string>,
): Promise<{ root: string; lines: string[]; poller: TargetedPoller; take(): string[] }> {
  const dir = makeTempDir("poller");
  cleanups.push(() => dir[Symbol.dispose]());
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(join(dir.path, path, ".."), { recursive: true });
    writeFileSync(join(dir.path, path), text);
  }
  const clock = createManualClock();
  const lines: string[] = [];
  const onEvent = (event: WatchEvent) => lines.push(describeWatchEvent(event).replaceAll(`${dir.path}/`, ""));
  const poller = startTargetedPoller({ targets: [dir.path], onEvent, ...clock });
  cleanups.push(() => poller.close());
  await poller.ready;
  return { root: dir.path, lines, poller, take: () => lines.splice(0) };
}

describe("startTargetedPoller", () => {
  test("baseline is silent; add, in-place change and remove are reported on the next poll", async () => {
    const { root, poller, take } = await polled({
      "run/version_0/checkpoints/a.ckpt": "1",
      "run/notes.txt": "n",
    });
    expect(take()).toEqual(["ready"]);
    expect(poller.stats()).toEqual({ targets: 1, directories: 4, files: 1 });
    await poller.pollOnce();
    expect(take()).toEqual([]);
    writeFileSync(join(root, "run/version_0/checkpoints/b.ckpt"), "2");
    writeFileSync(join(root, "run/version_0/checkpoints/a.ckpt"), "1 and more");
    writeFileSync(join(root, "run/version_0/metrics.csv"), "epoch\n");
    writeFileSync(join(root, "run/version_0/checkpoints/b.metadata.yaml"), "x: 1\n");
    await poller.pollOnce();
    expect(take().sort()).toEqual([
      "file-added checkpoint-file run/version_0/checkpoints/b.ckpt",
      "file-added metric-file run/version_0/metrics.csv",
      "file-changed checkpoint-file run/version_0/checkpoints/a.ckpt",
    ]);
    unlinkSync(join(root, "run/version_0/checkpoints/a.ckpt"));
    await poller.pollOnce();
    expect(take()).toEqual(["file-removed checkpoint-file run/version_0/checkpoints/a.ckpt"]);
  });

  test("a run last written a week ago is idle from the start: polled by its directories only", async () => {
    const dir = makeTempDir("poller");
    cleanups.push(() => dir[Symbol.dispose]());
    const checkpoints = join(dir.path, "run/checkpoints");
    mkdirSync(checkpoints, { recursive: true });
    writeFileSync(join(checkpoints, "a.ckpt"), "1");
    const weekAgo = new Date(Date.now() - 7 * 86_400_000);
    for (const path of [join(checkpoints, "a.ckpt"), checkpoints, join(dir.path, "run"), dir.path])
      utimesSync(path, weekAgo, weekAgo);
    const stats: string[] = [];
    const fs = {
      lstat: async (path: string) => {
        stats.push(path.replace(`${dir.path}/`, ""));
        const found = lstatSync(path);
        return { isDirectory: found.isDirectory(), size: found.size, mtimeMs: found.mtimeMs, ino: found.ino };
      },
      readdir: async (path: string) =>
        readdirSync(path, { withFileTypes: true }).map((entry) => ({
          name: entry.name,
          directory: entry.isDirectory(),
        })),
    };
    const lines: string[] = [];
    const clock = createManualClock(Date.now());
    const poller = startTargetedPoller({
      targets: [dir.path],
      onEvent: (event) => lines.push(describeWatchEvent(event).replaceAll(`${dir.path}/`, "")),
      fs,
      ...clock,
    });
    cleanups.push(() => poller.close());
    await poller.ready;
    stats.length = 0;
    // Rewritten in place (the directory's mtime does not move): an idle run's files are not stat'ed.
    writeFileSync(join(checkpoints, "a.ckpt"), "1 and more");
    await poller.pollOnce();
    expect(stats).not.toContain("run/checkpoints/a.ckpt");
    expect(lines.filter((line) => line !== "ready")).toEqual([]);
    // A new file moves the directory's mtime: reported, and the run is active again, its files stat'ed.
    writeFileSync(join(checkpoints, "b.ckpt"), "2");
    await poller.pollOnce();
    expect(lines.filter((line) => line !== "ready")).toEqual([
      "file-added checkpoint-file run/checkpoints/b.ckpt",
    ]);
    writeFileSync(join(checkpoints, "b.ckpt"), "2 and more");
    await poller.pollOnce();
    expect(lines.at(-1)).toBe("file-changed checkpoint-file run/checkpoints/b.ckpt");
  });

  test("directories: HF checkpoint-N/ added and rotated away; ignored dirs never walked", async () => {
    const { root, poller, take } = await polled({ "out/keep.txt": "k" });
    take();
    mkdirSync(join(root, "out/checkpoint-10"));
    writeFileSync(join(root, "out/checkpoint-10/model.safetensors"), "w");
    mkdirSync(join(root, "out/node_modules"));
    writeFileSync(join(root, "out/node_modules/x.pt"), "x");
    await poller.pollOnce();
    expect(take()).toEqual([
      "dir-added checkpoint-dir out/checkpoint-10",
      "file-added checkpoint-dir-member out/checkpoint-10/model.safetensors",
    ]);
    rmSync(join(root, "out/checkpoint-10"), { recursive: true });
    await poller.pollOnce();
    expect(take()).toEqual([
      "file-removed checkpoint-dir-member out/checkpoint-10/model.safetensors",
      "dir-removed checkpoint-dir out/checkpoint-10",
    ]);
  });

  test("an unreadable directory is reported once, not every poll", async () => {
    const dir = makeTempDir("poller");
    cleanups.push(() => dir[Symbol.dispose]());
    mkdirSync(join(dir.path, "locked"));
    const denied = Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    // Root reads everything, so the permission failure comes through the fs seam.
    const fs = {
      lstat: async (path: string) => {
        const stats = lstatSync(path);
        return { isDirectory: stats.isDirectory(), size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino };
      },
      readdir: async (path: string) => {
        if (path.endsWith("/locked")) throw denied;
        return readdirSync(path, { withFileTypes: true }).map((entry) => ({
          name: entry.name,
          directory: entry.isDirectory(),
        }));
      },
    };
    const errors: string[] = [];
    const poller = startTargetedPoller({
      targets: [dir.path],
      onEvent: () => {},
      onError: (event) => errors.push(`${event.code} ${event.path?.replace(dir.path, "")}`),
      fs,
      ...createManualClock(),
    });
    cleanups.push(() => poller.close());
    await poller.ready;
    writeFileSync(join(dir.path, "touch.txt"), "t");
    await poller.pollOnce();
    await poller.pollOnce();
    expect(errors).toEqual(["EACCES /locked"]);
  });
});

describe("nextPollInterval", () => {
  const base = { activeMs: 3000, idleMs: 60_000, windowMs: 600_000 };
  test.each([
    ["recent change → active", 48_000, 10_000, 3000],
    ["idle → doubles", 3000, 700_000, 6000],
    ["idle → capped", 48_000, 700_000, 60_000],
  ])("%s", (_name, currentMs, idleForMs, expected) => {
    expect(nextPollInterval({ ...base, currentMs, idleForMs })).toBe(expected);
  });
});
