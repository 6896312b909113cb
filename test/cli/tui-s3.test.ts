// `ckpt tui s3://…` from source: piped (the ls table, after listing the prefix) and in a real terminal (tmux).
import { afterAll, afterEach, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { realFixtureRoot } from "../helpers/real-fixtures.ts";
import { type S3TestServer, startS3TestServer, TEST_BUCKET } from "../helpers/s3-test-server.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const CHECKPOINT = readFileSync(join(realFixtureRoot, "torch/tutorial_checkpoint.pt"));
const mainScript = resolve(import.meta.dir, "../../src/main.ts");
let server: S3TestServer;
beforeAll(async () => {
  server = await startS3TestServer();
});
afterAll(() => server.stop());

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function home(prefix: string): string {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  return dir.path;
}

function envFor(path: string): Record<string, string> {
  return {
    ...server.env,
    PATH: "/usr/bin:/bin",
    HOME: path,
    XDG_RUNTIME_DIR: join(path, "rt"),
    XDG_STATE_HOME: join(path, "state"),
  };
}

async function ckpt(env: Record<string, string>, argv: readonly string[]) {
  const child = Bun.spawn([process.execPath, mainScript, ...argv], { env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { exitCode, stdout, stderr };
}

test("tui s3://prefix without a terminal lists the prefix and prints its rows", async () => {
  const dir = home("tui-s3-pipe");
  await server.put("tui-pipe/run1/a.pt", CHECKPOINT);
  const catalog = join(dir, "catalog.db");
  const result = await ckpt(envFor(dir), ["tui", `s3://${TEST_BUCKET}/tui-pipe`, "--catalog", catalog]);
  expect(result.exitCode).toBe(0);
  expect(result.stdout.split("\n")[1]).toEndWith(`s3://${TEST_BUCKET}/tui-pipe/run1/a.pt`);
  expect(result.stderr).toStartWith("ckpt tui: standard output is not a terminal");
  // --readonly reads the catalog as it is: nothing listed, nothing created.
  const other = join(dir, "other.db");
  const readonly = await ckpt(envFor(dir), [
    "tui",
    `s3://${TEST_BUCKET}/tui-pipe`,
    "--readonly",
    "--catalog",
    other,
  ]);
  expect(readonly.stdout).toBe("");
  expect(existsSync(other)).toBe(false);
});

function tmux(...args: string[]): string {
  const result = Bun.spawnSync(["tmux", ...args], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`tmux ${args.join(" ")}: ${result.stderr.toString()}`);
  return result.stdout.toString();
}

test("tui s3://prefix in a terminal lists the prefix itself, shows rows as objects appear, answers ckpt status", async () => {
  const dir = home("tui-s3-live");
  const root = `s3://${TEST_BUCKET}/tui-live`;
  await server.put("tui-live/run1/a.pt", CHECKPOINT);
  const catalog = join(dir, "catalog.db");
  const env = envFor(dir);
  const vars = Object.entries({ ...env, TERM: "xterm-256color", NODE_ENV: "development" }).map(
    ([key, value]) => `${key}=${value}`,
  );
  const session = `ckpt-tui-s3-${process.pid}`;
  // From source, React's development build matches Bun's development JSX (the binary's tests use production).
  tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    "120",
    "-y",
    "30",
    "-c",
    dir,
    "env",
    "-i",
    ...vars,
    "bash",
    "--norc",
    "--noprofile",
  );
  tmux(
    "send-keys",
    "-t",
    session,
    `${process.execPath} ${mainScript} tui ${root} --catalog ${catalog}; echo exit=$?`,
    "Enter",
  );
  cleanups.push(() => void Bun.spawnSync(["tmux", "kill-session", "-t", session]));
  const screen = () => tmux("capture-pane", "-p", "-t", session);
  const deadline = { timeoutMs: 40_000 };
  // One capture holds both: tmux may capture between two reads of one frame.
  await waitFor(
    () => {
      const text = screen();
      return text.includes("a.pt") && text.includes(`run1  ${root}/run1`);
    },
    { what: "the first object's row under its run's header", ...deadline },
  );
  const status = await ckpt(env, ["status", "--json", "--catalog", catalog]);
  expect(JSON.parse(status.stdout)).toMatchObject({ running: true, mode: "list", roots: [root] });
  const stop = await ckpt(env, ["stop", "--catalog", catalog]);
  expect(stop.exitCode).toBe(1);
  expect(stop.stderr).toContain("runs inside ckpt tui");

  await server.put("tui-live/run1/b.pt", CHECKPOINT);
  await waitFor(() => screen().includes("b.pt"), {
    what: "a row for the object uploaded later",
    ...deadline,
  });
  tmux("send-keys", "-t", session, "q");
  await waitFor(() => screen().includes("exit=0"), { what: "the TUI quitting with 0", ...deadline });
  expect((await ckpt(env, ["status", "--catalog", catalog])).exitCode).toBe(3);
});
