import { describe, expect, test } from "bun:test";
import {
  type RuntimePaths,
  type RuntimePathsInput,
  resolveRuntimePaths,
} from "../../src/daemon/runtime-paths.ts";

describe("resolveRuntimePaths", () => {
  const long = `/run/${"x".repeat(90)}`;
  const cases: [string, RuntimePathsInput, RuntimePaths][] = [
    [
      "XDG dirs set",
      {
        env: { XDG_RUNTIME_DIR: "/run/user/1000", XDG_STATE_HOME: "/home/u/.state" },
        uid: 1000,
        home: "/home/u",
      },
      {
        runtimeDir: "/run/user/1000/ckpt",
        runtimeDirSource: "xdg",
        socketPath: "/run/user/1000/ckpt/daemon.sock",
        stateDir: "/home/u/.state/ckpt",
        logPath: "/home/u/.state/ckpt/daemon.log",
      },
    ],
    [
      "nothing set (ssh without a login session) → /tmp/ckpt-<uid>, ~/.local/state",
      { env: {}, uid: 1234, home: "/home/u" },
      {
        runtimeDir: "/tmp/ckpt-1234",
        runtimeDirSource: "tmp",
        socketPath: "/tmp/ckpt-1234/daemon.sock",
        stateDir: "/home/u/.local/state/ckpt",
        logPath: "/home/u/.local/state/ckpt/daemon.log",
      },
    ],
    [
      "relative XDG values are ignored; an instance names the socket",
      { env: { XDG_RUNTIME_DIR: "run", XDG_STATE_HOME: "state/" }, uid: 7, home: "/h", instance: "a1b2" },
      {
        runtimeDir: "/tmp/ckpt-7",
        runtimeDirSource: "tmp",
        socketPath: "/tmp/ckpt-7/daemon-a1b2.sock",
        stateDir: "/h/.local/state/ckpt",
        logPath: "/h/.local/state/ckpt/daemon.log",
      },
    ],
    [
      "a runtime dir too long for sun_path falls back; trailing slashes trimmed",
      { env: { XDG_RUNTIME_DIR: long, XDG_STATE_HOME: "/s/" }, uid: 7, home: "/h", tmpDir: "/var/tmp" },
      {
        runtimeDir: "/var/tmp/ckpt-7",
        runtimeDirSource: "tmp",
        socketPath: "/var/tmp/ckpt-7/daemon.sock",
        stateDir: "/s/ckpt",
        logPath: "/s/ckpt/daemon.log",
      },
    ],
  ];
  test.each(cases)("%s", (_name, input, expected) => {
    expect(resolveRuntimePaths(input)).toEqual(expected);
  });
});
