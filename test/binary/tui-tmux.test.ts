// The compiled binary's TUI in a real terminal: tmux at a fixed 120×40, driven with send-keys, read with capture-pane.
import { afterEach, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { binaryIn, compiledBinary, runBinary } from "../helpers/compiled-binary.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const FIXTURES = join(import.meta.dir, "../fixtures/real");
const sessions: string[] = [];

function tmux(...args: string[]): string {
  const result = Bun.spawnSync(["tmux", ...args], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`tmux ${args.join(" ")}: ${result.stderr.toString()}`);
  return result.stdout.toString();
}

/** A shell in a detached 120×40 tmux session, in `cwd`, with a clean environment. */
function startShell(
  cwd: string,
  env: Record<string, string> = {},
): { keys: (...keys: string[]) => void; screen: (escapes?: boolean) => string } {
  const name = `ckpt-tui-${process.pid}-${sessions.length}`;
  sessions.push(name);
  const vars = Object.entries({ PATH: "/usr/bin:/bin", HOME: cwd, TERM: "xterm-256color", ...env }).map(
    ([k, v]) => `${k}=${v}`,
  );
  tmux(
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    "120",
    "-y",
    "40",
    "-c",
    cwd,
    "env",
    "-i",
    ...vars,
    "bash",
    "--norc",
    "--noprofile",
  );
  return {
    keys: (...keys) => void tmux("send-keys", "-t", name, ...keys),
    screen: (escapes = false) => tmux("capture-pane", "-p", ...(escapes ? ["-e"] : []), "-t", name),
  };
}

/**
 * Waits until the whole screen shows `what`. Every check of the screen is made here, never on one capture after a
 * match: tmux may capture between two reads of one frame, with the top lines new and the rows below not yet.
 */
async function screenMatching(
  screen: () => string,
  what: string,
  matches: (text: string) => boolean,
  // The compiled binary starting and indexing on a loaded 2-core machine; waiting ends as soon as the screen matches.
  timeoutMs = 40_000,
): Promise<void> {
  let last = "";
  try {
    // Each check runs `tmux capture-pane`: every 25 ms, not every 5.
    await waitFor(
      () => {
        last = screen();
        return matches(last);
      },
      {
        what: `the screen to show ${what}`,
        timeoutMs,
        intervalMs: 25,
      },
    );
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last screen:\n${last}`);
  }
}

/** A copy of the real fixtures (truth files left out) with sidecars written by the binary's own `convert`. */
function fixtureTree(dir: string, binary: string): string {
  const runs = join(dir, "runs");
  for (const set of ["lightning", "timm", "ultralytics", "broken"]) {
    cpSync(join(FIXTURES, set), join(runs, set), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (path) => !path.endsWith(".truth.json"),
    });
  }
  runBinary(binary, ["convert", "--outputs-dir", "runs"], dir);
  return runs;
}

/**
 * A new checkpoint appears while the TUI runs. The TUI's embedded watcher (the daemon loop) indexes it; the
 * `ckpt scan` after it is a no-op while the watcher holds the catalog, and indexes it when no watcher runs.
 * To test against a separate daemon, start `ckpt watch runs` before the TUI instead.
 */
function addCheckpoint(dir: string, binary: string): string {
  const checkpoints = join(
    dir,
    "runs/lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints",
  );
  const source =
    readdirSync(checkpoints)
      .find((name) => name.startsWith("dbnet-epoch04"))
      ?.replace(/\.ckpt$/, "") ?? "";
  // Same bytes and mtime: its copied sidecar stays current, so the scan takes the fast path.
  cpSync(join(checkpoints, `${source}.ckpt`), join(checkpoints, "dbnet-epoch05-hmean0.9900.ckpt"), {
    preserveTimestamps: true,
  });
  cpSync(
    join(checkpoints, `${source}.metadata.yaml`),
    join(checkpoints, "dbnet-epoch05-hmean0.9900.metadata.yaml"),
  );
  expect(statSync(join(checkpoints, "dbnet-epoch05-hmean0.9900.ckpt")).size).toBeGreaterThan(0);
  const scan = runBinary(binary, ["scan", "runs", "--catalog", "cat.db"], dir);
  expect({ exitCode: scan.exitCode, stderr: scan.stderr }).toEqual({ exitCode: 0, stderr: "" });
  return "dbnet-epoch05-hmean0.9900.ckpt";
}

describe("ckpt tui, compiled, in tmux", () => {
  beforeAll(() => {
    compiledBinary();
  }, 120_000);

  afterEach(() => {
    for (const name of sessions.splice(0)) Bun.spawnSync(["tmux", "kill-session", "-t", name]);
  });

  test("rows show, /hmean filters, s sorts, Enter opens the detail, new rows appear live, q restores the screen", async () => {
    using dir = makeTempDir("tui-tmux");
    const binary = binaryIn(dir.path);
    fixtureTree(dir.path, binary);
    const shell = startShell(dir.path);
    shell.keys("clear; echo BEFORE-TUI", "Enter");
    await screenMatching(shell.screen, "the shell's marker", (text) => text.includes("BEFORE-TUI"));
    shell.keys("./ckpt tui runs --catalog cat.db", "Enter");
    // The disk line under the summary: the filesystem of runs/ and its free space, as df prints its mount point.
    const mountPoint = Bun.spawnSync(["df", "--output=target", join(dir.path, "runs")])
      .stdout.toString()
      .trim()
      .split("\n")[1];
    // Rows appear as the embedded watcher indexes them: wait for the last run's, not the first's.
    await screenMatching(
      shell.screen,
      `the rows of the first and last runs and the disk line of ${mountPoint}`,
      (text) =>
        text.includes("embedded watcher") &&
        text.includes("dbnet_r18_dev_cleval") &&
        text.includes("test_efficientnet") &&
        text.split("\n").some((line) => line.startsWith(`disk ${mountPoint} `) && / free\b/.test(line)),
    );

    shell.keys("/hmean", "Enter");
    await screenMatching(
      shell.screen,
      "the /hmean filter, without the runs that have no hmean",
      (text) => text.includes("filter /hmean/") && !text.includes("test_efficientnet"),
    );

    shell.keys("s");
    await screenMatching(shell.screen, "the rows sorted by metric, best first", (text) => {
      const [best, worse] = [text.indexOf("hmean 98.11%"), text.indexOf("hmean 88.19%")];
      return text.includes("sort metric ▼") && best >= 0 && worse > best;
    });

    shell.keys("j", "Enter");
    await screenMatching(
      shell.screen,
      "the detail screen with its metadata section",
      (text) => text.includes("ckpt │ detail │") && text.includes("metadata (← where each value came from)"),
    );
    shell.keys("Escape");
    await screenMatching(
      shell.screen,
      "the filtered table again",
      (text) => text.includes("filter /hmean/") && !text.includes("ckpt │ detail"),
    );

    const added = addCheckpoint(dir.path, binary);
    await screenMatching(shell.screen, `the new row ${added}`, (text) => text.includes(added.slice(-20)));

    shell.keys("q");
    await screenMatching(
      shell.screen,
      "the shell's screen restored",
      (text) => !text.includes("ckpt │") && text.includes("BEFORE-TUI"),
    );
  }, 120_000);

  test("NO_COLOR: no colour or style sequences reach the terminal", async () => {
    using dir = makeTempDir("tui-tmux-nocolor");
    const binary = binaryIn(dir.path);
    fixtureTree(dir.path, binary);
    expect(runBinary(binary, ["scan", "runs", "--catalog", "cat.db"], dir.path).exitCode).toBe(0);
    const shell = startShell(dir.path, { NO_COLOR: "1" });
    shell.keys("./ckpt tui runs --catalog cat.db --readonly", "Enter");
    // With rows on screen, so the glyphs, the ★ and the cursor row are all drawn without colour.
    await screenMatching(
      shell.screen,
      "the read-only table with rows",
      (text) => text.includes("read-only") && text.includes("test_efficientnet"),
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for SGR escape sequences
    expect(shell.screen(true)).not.toMatch(/\x1b\[[0-9;]*[1-9][0-9;]*m/);
    shell.keys("q");
    await screenMatching(shell.screen, "the TUI gone", (text) => !text.includes("ckpt │"));
  }, 120_000);
});
