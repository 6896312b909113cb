// The watcher, the settle scheduler and the real probes together, on a real temp dir with real writers.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkPathCompleteness, statPathIdentity } from "../../src/daemon/settle-probes.ts";
import {
  createSettleScheduler,
  type SettleOutcome,
  type SettleScheduler,
} from "../../src/daemon/settle-scheduler.ts";
import { settlePathOf, type WatchEvent } from "../../src/daemon/watch-event.ts";
import { startWatcher } from "../../src/daemon/watcher.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Seen = SettleOutcome & { readonly sizeAtReport: number; readonly stateAtReport: string };

function route(scheduler: SettleScheduler, event: WatchEvent): void {
  const path = settlePathOf(event);
  if (path === undefined) return;
  if (event.kind === "file-removed" || event.kind === "dir-removed") scheduler.forget(path);
  else scheduler.notice(path);
}

/** Watcher → scheduler with real timers and a short policy; records what the file looked like at each outcome. */
async function settling(): Promise<{ root: string; seen: Seen[]; scheduler: SettleScheduler }> {
  const dir = makeTempDir("settle");
  cleanups.push(() => dir[Symbol.dispose]());
  const seen: Seen[] = [];
  const scheduler = createSettleScheduler({
    stat: statPathIdentity,
    checkCompleteness: checkPathCompleteness,
    onOutcome: (outcome) =>
      seen.push({
        ...outcome,
        sizeAtReport: statPathIdentity(outcome.path)?.size ?? -1,
        stateAtReport: checkPathCompleteness(outcome.path).state,
      }),
    now: () => performance.now(),
    setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    policy: { quietMs: 30, retryBaseMs: 40, retryMaxMs: 160 },
  });
  cleanups.push(() => scheduler.close());
  const watcher = startWatcher({ roots: [dir.path], onEvent: (event) => route(scheduler, event) });
  cleanups.push(() => watcher.close());
  await watcher.ready;
  return { root: dir.path, seen, scheduler };
}

const readies = (seen: readonly Seen[]) => seen.filter((outcome) => outcome.kind === "ready");
const settledDown = (scheduler: SettleScheduler) => () => scheduler.stats().pending === 0;

describe("settle on real files", () => {
  test("a zip written slowly in chunks by another process is ready exactly once, only when complete", async () => {
    const { root, seen, scheduler } = await settling();
    const path = join(root, "slow.pt");
    const child = Bun.spawn(
      [process.execPath, join(import.meta.dir, "slow-zip-writer-fixture.ts"), path, "4", "150"],
      {
        stdout: "pipe",
      },
    );
    const [sizeLine] = (await new Response(child.stdout).text()).split("\n");
    expect(await child.exited).toBe(0);
    await waitFor(() => readies(seen).length > 0 && settledDown(scheduler)(), { what: "the ready outcome" });
    const expectedSize = Number(sizeLine);
    expect(readies(seen)).toMatchObject([{ path, sizeAtReport: expectedSize, stateAtReport: "complete" }]);
    const looks = seen.flatMap((outcome) => (outcome.kind === "retrying" ? [outcome.incompleteLooks] : []));
    expect(looks.length).toBeGreaterThan(0);
    // One episode from the first chunk to the last: the count goes 1, 2, 3… even though every chunk restarts the backoff.
    expect(looks).toEqual(looks.map((_, index) => index + 1));
    expect(seen.filter((outcome) => outcome.kind !== "retrying").map((outcome) => outcome.kind)).toEqual([
      "ready",
    ]);
  });

  test("truncated, then completed: retried while incomplete, ready once after", async () => {
    const { root, seen, scheduler } = await settling();
    const path = join(root, "t.ckpt");
    const bytes = torchZipBytes({ storageBytes: 8192 });
    writeFileSync(path, bytes.subarray(0, 5000));
    await waitFor(() => seen.some((outcome) => outcome.kind === "retrying"), { what: "a retry" });
    writeFileSync(path, bytes);
    await waitFor(() => readies(seen).length > 0 && settledDown(scheduler)(), { what: "ready" });
    expect(readies(seen)).toMatchObject([{ path, sizeAtReport: bytes.length, stateAtReport: "complete" }]);
  });

  test("rewritten after completion (strip_optimizer) settles again with the new identity", async () => {
    const { root, seen, scheduler } = await settling();
    const path = join(root, "last.pt");
    writeFileSync(path, torchZipBytes({ storageBytes: 16_384 }));
    await waitFor(() => readies(seen).length === 1, { what: "first ready" });
    const stripped = torchZipBytes({ storageBytes: 2048, fill: 9 });
    writeFileSync(path, stripped);
    await waitFor(() => readies(seen).length === 2 && settledDown(scheduler)(), { what: "second ready" });
    expect(readies(seen).map((outcome) => outcome.sizeAtReport)).toEqual([
      torchZipBytes({ storageBytes: 16_384 }).length,
      stripped.length,
    ]);
    expect(statSync(path).size).toBe(stripped.length);
  });

  test("exported models: a GGUF without its tensor data and a .nemo without tar's end block wait", async () => {
    const { root, seen, scheduler } = await settling();
    const fixtures = join(import.meta.dir, "../fixtures");
    const gguf = readFileSync(join(fixtures, "real/gguf/tiny-llama-q8_0.gguf"));
    const nemo = readFileSync(join(fixtures, "exported/ctc_tiny.nemo"));
    const [ggufPath, nemoPath] = [join(root, "m.gguf"), join(root, "m.nemo")];
    writeFileSync(ggufPath, gguf.subarray(0, 1600)); // the header alone: tensors not written yet
    writeFileSync(nemoPath, nemo.subarray(0, 4096)); // the config, not the weights
    await waitFor(() => new Set(seen.filter((o) => o.kind === "retrying").map((o) => o.path)).size === 2, {
      what: "both retried",
    });
    expect(readies(seen)).toEqual([]);
    writeFileSync(ggufPath, gguf);
    writeFileSync(nemoPath, nemo);
    await waitFor(() => readies(seen).length === 2 && settledDown(scheduler)(), { what: "both ready" });
    expect(
      readies(seen)
        .map((o) => [o.path, o.stateAtReport])
        .sort(),
    ).toEqual([
      [ggufPath, "complete"],
      [nemoPath, "complete"],
    ]);
  });

  test("deleted while pending → cancelled, never ready", async () => {
    const { root, seen, scheduler } = await settling();
    const path = join(root, "gone.pt");
    writeFileSync(path, torchZipBytes().subarray(0, 100));
    await waitFor(() => seen.some((outcome) => outcome.kind === "retrying"), { what: "a retry" });
    unlinkSync(path);
    await waitFor(() => seen.some((outcome) => outcome.kind === "cancelled"), { what: "cancellation" });
    expect(settledDown(scheduler)()).toBe(true);
    expect(readies(seen)).toEqual([]);
  });
});
