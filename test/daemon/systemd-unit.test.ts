import { describe, expect, test } from "bun:test";
import { quoteSystemdArgument, renderSystemdUnit } from "../../src/daemon/systemd-unit.ts";

describe("renderSystemdUnit", () => {
  test("a user unit with reload, restart, low priority and the fd limit", () => {
    const unit = renderSystemdUnit({
      binaryPath: "/home/u/.local/bin/ckpt",
      roots: ["/data/runs", "/data/my runs"],
      extraArgs: ["--log-format", "json"],
    });
    expect(unit.success).toBe(true);
    const text = unit.success ? unit.data : "";
    expect(text.split("\n").filter((line) => !line.startsWith("#"))).toEqual([
      "[Unit]",
      "Description=ckpt checkpoint catalog watcher",
      "",
      "[Service]",
      "Type=exec",
      'ExecStart=/home/u/.local/bin/ckpt watch /data/runs "/data/my runs" --log-format json',
      "ExecReload=/bin/kill -HUP $MAINPID",
      "Restart=on-failure",
      "RestartSec=5",
      "KillSignal=SIGTERM",
      "TimeoutStopSec=30",
      "LimitNOFILE=65536",
      "Nice=10",
      "IOSchedulingClass=idle",
      "",
      "[Install]",
      "WantedBy=default.target",
      "",
    ]);
  });

  test.each([
    [{ binaryPath: "ckpt", roots: ["/r"] }, "ckpt: systemd needs absolute paths"],
    [{ binaryPath: "/bin/ckpt", roots: ["runs"] }, "runs: systemd needs absolute paths"],
    [{ binaryPath: "/bin/ckpt", roots: [] }, "no directories to watch"],
  ])("rejects %o", (options, message) => {
    const unit = renderSystemdUnit(options);
    expect(unit.success ? "" : unit.error).toStartWith(message);
  });
});

describe("quoteSystemdArgument", () => {
  test.each([
    ["/data/runs", "/data/runs"],
    ["/data/my runs", '"/data/my runs"'],
    ["/data/100%", "/data/100%%"],
    ["/data/$HOME", '"/data/$$HOME"'],
    ['/a"b', '"/a\\"b"'],
    ["", '""'],
  ])("%s → %s", (word, expected) => {
    expect(quoteSystemdArgument(word)).toBe(expected);
  });
});
