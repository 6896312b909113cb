import { describe, expect, test } from "bun:test";
import {
  closeSync,
  existsSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { openLogFileSink } from "../../src/cli/log-file-sink.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const line = (index: number) =>
  `${JSON.stringify({ n: index, msg: "checkpoint indexed".padEnd(60, ".") })}\n`;

describe("openLogFileSink", () => {
  test("appends to what is there, and past maxBytes copies the file to .old and empties it", () => {
    using dir = makeTempDir("log-sink");
    const path = join(dir.path, "daemon.log");
    writeFileSync(path, "from an earlier run\n");
    const sink = openLogFileSink(path, { maxBytes: 1000 });
    for (let index = 0; index < 40; index++) sink.write(line(index));
    sink.close();
    const numbers = (file: string) =>
      readFileSync(file, "utf8")
        .split("\n")
        .filter((text) => text !== "")
        .map((text) => JSON.parse(text).n as number);
    const previous = numbers(`${path}.old`);
    const current = numbers(path);
    // Whole lines, in order, none lost between the two files; older generations are gone.
    expect([...previous, ...current]).toEqual(
      [...Array(40).keys()].slice(40 - previous.length - current.length),
    );
    expect(current.at(-1)).toBe(39);
    expect(previous.length).toBe(Math.floor(1000 / line(20).length));
    expect(statSync(path).size).toBeLessThanOrEqual(1000);
    expect(statSync(`${path}.old`).size).toBeLessThanOrEqual(1000);
  });

  test("another descriptor on the log (the detached daemon's stderr) stays on it across rotations", () => {
    using dir = makeTempDir("log-sink");
    const path = join(dir.path, "daemon.log");
    const stderr = openSync(path, "a");
    const sink = openLogFileSink(path, { maxBytes: 1000 });
    for (let index = 0; index < 40; index++) sink.write(line(index));
    writeSync(stderr, "panic: a crash before the logger\n");
    closeSync(stderr);
    sink.close();
    expect(readFileSync(path, "utf8").endsWith("panic: a crash before the logger\n")).toBe(true);
  });

  test("a deleted log is started again at the next rotation, not written on unseen", () => {
    using dir = makeTempDir("log-sink");
    const path = join(dir.path, "daemon.log");
    const sink = openLogFileSink(path, { maxBytes: 1000 });
    sink.write(line(1));
    rmSync(path);
    for (let index = 2; index < 40; index++) sink.write(line(index));
    sink.close();
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).size).toBeLessThanOrEqual(1000);
  });

  test("reopen follows an external logrotate that moved the file", () => {
    using dir = makeTempDir("log-sink");
    const path = join(dir.path, "daemon.log");
    const sink = openLogFileSink(path);
    sink.write(line(1));
    renameSync(path, `${path}.rotated`);
    sink.write(line(2));
    sink.reopen();
    sink.write(line(3));
    sink.close();
    expect(readFileSync(`${path}.rotated`, "utf8")).toBe(line(1) + line(2));
    expect(readFileSync(path, "utf8")).toBe(line(3));
    expect(existsSync(`${path}.old`)).toBe(false);
    expect(existsSync(`${path}.1`)).toBe(false);
  });

  test("the log and its .old copy are 0600 and never written through a planted symlink", () => {
    using dir = makeTempDir("log-sink");
    const victim = join(dir.path, "victim");
    writeFileSync(victim, "precious\n");
    const planted = join(dir.path, "planted.log");
    symlinkSync(victim, planted);
    expect(() => openLogFileSink(planted)).toThrow(
      `the log file ${planted} is a symlink, which ckpt never writes through (whoever controls the link picks the file); pass the path it points to`,
    );
    const path = join(dir.path, "daemon.log");
    symlinkSync(victim, `${path}.old`);
    const sink = openLogFileSink(path, { maxBytes: 1000 });
    for (let index = 0; index < 40; index++) sink.write(line(index));
    sink.close();
    expect({
      victim: readFileSync(victim, "utf8"),
      oldIsLink: lstatSync(`${path}.old`).isSymbolicLink(),
      modes: [path, `${path}.old`].map((file) => (statSync(file).mode & 0o777).toString(8)),
      temps: readdirSync(dir.path).filter((name) => name.endsWith(".tmp")),
    }).toEqual({ victim: "precious\n", oldIsLink: false, modes: ["600", "600"], temps: [] });
  });
});
