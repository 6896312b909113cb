import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { lstatSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type ControlHandlers,
  requestControl,
  sendControlCommand,
  startControlServer,
} from "../../src/daemon/control-socket.ts";
import { checkStateDirectory } from "../../src/io/fs/state-directory.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const uid = process.getuid?.() ?? 0;
const idleHandlers: ControlHandlers = {
  status: () => ({}),
  commands: {
    stop: () => "",
    reload: () => "",
    rescan: () => "",
    scan: () => "",
    "add-root": () => "",
    "remove-root": () => "",
  },
};

function runtimeDir(dir: { path: string }): string {
  const runtime = join(dir.path, "ckpt");
  const made = checkStateDirectory(runtime, { uid });
  if (!made.success) throw new Error(made.error.message);
  return runtime;
}

describe("control socket", () => {
  test("status and commands round-trip over a unix socket in a 0700 dir", async () => {
    using dir = makeTempDir("control");
    const socketPath = join(runtimeDir(dir), "daemon.sock");
    const calls: string[] = [];
    const started = await startControlServer({
      socketPath,
      handlers: {
        status: () => ({ pid: 42, queue: { queued: 0 } }),
        commands: {
          stop: () => {
            calls.push("stop");
            return "stopping";
          },
          reload: () => "reloaded",
          rescan: async () => "rescan scheduled",
          // A command with a body answers with data; a refusal is ok: false with its reason.
          scan: async (body) => ({ ok: true, message: "scanned", data: { echo: body } }),
          "add-root": () => ({ ok: false, message: "refused" }),
          "remove-root": () => "",
        },
      },
    });
    if (!started.success) throw new Error(started.error.message);
    await using _server = started.data;
    expect(statSync(join(dir.path, "ckpt")).mode & 0o777).toBe(0o700);
    expect(lstatSync(socketPath).isSocket()).toBe(true);
    expect(await requestControl({ socketPath, request: "status" })).toEqual({
      success: true,
      data: { pid: 42, queue: { queued: 0 } },
    });
    expect(await requestControl({ socketPath, request: "rescan" })).toEqual({
      success: true,
      data: { ok: true, message: "rescan scheduled" },
    });
    expect(await sendControlCommand({ socketPath, request: "stop" })).toEqual({
      success: true,
      data: { ok: true, message: "stopping" },
    });
    expect(await requestControl({ socketPath, request: "scan", body: { roots: ["/r"] } })).toEqual({
      success: true,
      data: { ok: true, message: "scanned", data: { echo: { roots: ["/r"] } } },
    });
    expect(await sendControlCommand({ socketPath, request: "add-root", body: { root: "/r" } })).toEqual({
      success: true,
      data: { ok: false, message: "refused" },
    });
    const notJson = await fetch("http://ckpt/scan", { unix: socketPath, method: "POST", body: "{" });
    expect([notJson.status, await notJson.json()]).toEqual([
      400,
      { ok: false, message: "POST /scan: the body is not JSON" },
    ]);
    expect(calls).toEqual(["stop"]);
    const second = await startControlServer({ socketPath, handlers: idleHandlers });
    expect(second).toMatchObject({ success: false, error: { code: "already-running" } });
  });

  test("no daemon → not-running; a stale socket left by a killed daemon is replaced", async () => {
    using dir = makeTempDir("control");
    const socketPath = join(runtimeDir(dir), "daemon.sock");
    expect(await requestControl({ socketPath, request: "status", timeoutMs: 500 })).toMatchObject({
      success: false,
      error: { code: "not-running" },
    });
    const child = Bun.spawn(
      [
        process.execPath,
        "-e",
        `Bun.serve({ unix: ${JSON.stringify(socketPath)}, fetch: () => new Response("{}") }); console.log("up");`,
      ],
      {
        stdout: "pipe",
      },
    );
    const reader = child.stdout.getReader();
    await reader.read();
    child.kill(9);
    await child.exited;
    expect(lstatSync(socketPath).isSocket()).toBe(true);
    expect(await requestControl({ socketPath, request: "status", timeoutMs: 500 })).toMatchObject({
      success: false,
      error: { code: "not-running" },
    });
    const started = await startControlServer({
      socketPath,
      handlers: { ...idleHandlers, status: () => ({ fresh: true }) },
    });
    if (!started.success) throw new Error(started.error.message);
    await using _server = started.data;
    expect(await requestControl({ socketPath, request: "status" })).toEqual({
      success: true,
      data: { fresh: true },
    });
  });

  test("a regular file where the socket should be is left alone", async () => {
    using dir = makeTempDir("control");
    const socketPath = join(runtimeDir(dir), "daemon.sock");
    writeFileSync(socketPath, "not a socket");
    const started = await startControlServer({
      socketPath,
      handlers: idleHandlers,
    });
    expect(started).toMatchObject({ success: false, error: { code: "not-a-socket" } });
  });
});
