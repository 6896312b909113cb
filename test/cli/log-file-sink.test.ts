import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openLogFileSink } from "../../src/cli/log-file-sink.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const line = (index: number) =>
  `${JSON.stringify({ n: index, msg: "checkpoint indexed".padEnd(60, ".") })}\n`;

describe("openLogFileSink", () => {
  test("appends to what is there, and past maxBytes moves the file to .1 and starts a new one", () => {
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
    const previous = numbers(`${path}.1`);
    const current = numbers(path);
    // Whole lines, in order, none lost between the two files; older generations are gone.
    expect([...previous, ...current]).toEqual(
      [...Array(40).keys()].slice(40 - previous.length - current.length),
    );
    expect(current.at(-1)).toBe(39);
    expect(previous.length).toBe(Math.floor(1000 / line(20).length));
    expect(statSync(path).size).toBeLessThanOrEqual(1000);
    expect(statSync(`${path}.1`).size).toBeLessThanOrEqual(1000);
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
    expect(existsSync(`${path}.1`)).toBe(false);
  });
});
