import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import { fdTextSink, isTerminalFd } from "../../../src/io/process/fd-text-sink.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const main = join(import.meta.dir, "../../../src/main.ts");

function noStream(): never {
  throw new Error("the stream was made, but nothing needed it");
}

function rethrow(error: unknown): never {
  throw error;
}

/** `ckpt inspect --json` over the fixtures, many times: far more than a pipe holds (64 KiB). */
function inspectArgs(): string[] {
  const checkpoints = [...new Glob("**/*.{ckpt,pt,pth.tar}").scanSync(realFixtureRoot)]
    .sort()
    .map((name) => join(realFixtureRoot, name));
  return [
    process.execPath,
    main,
    "inspect",
    "--json",
    ...Array.from({ length: 20 }, () => checkpoints).flat(),
  ];
}

/**
 * Runs argv with its stdout on a NON-blocking pipe, reads nothing until the pipe is full (so the child's next
 * write gets EAGAIN), then reads to the end. Prints what it read.
 */
const NON_BLOCKING_READER = `
import fcntl, os, subprocess, sys, termios, time, array
r, w = os.pipe()
os.set_blocking(w, False)
child = subprocess.Popen(sys.argv[1:], stdout=w, stderr=subprocess.DEVNULL)
os.close(w)
capacity = fcntl.fcntl(r, 1032)  # F_GETPIPE_SZ
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    queued = array.array("i", [0])
    fcntl.ioctl(r, termios.FIONREAD, queued)
    if queued[0] >= capacity or child.poll() is not None:
        break
    time.sleep(0.005)
out = bytearray()
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    out += chunk
sys.stdout.buffer.write(out)
sys.exit(child.wait())
`;

describe("fdTextSink", () => {
  test("writes text as UTF-8 bytes to its descriptor, in order, without making the stream", () => {
    using dir = makeTempDir("fd-sink");
    const path = join(dir.path, "out.txt");
    const fd = openSync(path, "w");
    const sink = fdTextSink({ fd, stream: noStream, onWriteError: rethrow }, false);
    sink.write("epoch=3 ");
    sink.write("h-mean 0.91 — ünïcode ✓\n");
    closeSync(fd);
    expect({ text: readFileSync(path, "utf8"), columns: sink.columns }).toEqual({
      text: "epoch=3 h-mean 0.91 — ünïcode ✓\n",
      columns: undefined,
    });
  });

  test("texts short and long, written one after another, keep their bytes (a reused buffer is not overwritten early)", () => {
    using dir = makeTempDir("fd-sink");
    const path = join(dir.path, "out.txt");
    const fd = openSync(path, "w");
    const sink = fdTextSink({ fd, stream: noStream, onWriteError: rethrow }, false);
    const texts = ["✓".repeat(200_000), "a\n", "ü".repeat(300_000), "é".repeat(70_000), "end\n"];
    for (const text of texts) sink.write(text);
    closeSync(fd);
    expect(readFileSync(path, "utf8") === texts.join("")).toBe(true);
  });

  test("a write that fails (a full device) goes to onWriteError", () => {
    const fd = openSync("/dev/full", "w");
    const failures: unknown[] = [];
    const sink = fdTextSink(
      {
        fd,
        stream: noStream,
        onWriteError: (error) => {
          failures.push(error instanceof Error && "code" in error ? error.code : error);
          throw new Error("stopped");
        },
      },
      false,
    );
    expect(() => sink.write("x\n")).toThrow("stopped");
    closeSync(fd);
    expect(failures).toEqual(["ENOSPC"]);
  });

  test("isTerminalFd: a file and /dev/null are not terminals", async () => {
    using dir = makeTempDir("fd-tty");
    const file = openSync(join(dir.path, "f"), "w");
    const devNull = openSync("/dev/null", "w");
    const answers = [await isTerminalFd(file), await isTerminalFd(devNull)];
    closeSync(file);
    closeSync(devNull);
    expect(answers).toEqual([false, false]);
  });
});

describe("main's output streams", () => {
  test("a non-blocking stdout pipe that fills up (EAGAIN) loses and reorders nothing", () => {
    const args = inspectArgs();
    const reference = Bun.spawnSync(args, { stdout: "pipe", stderr: "pipe" });
    const throughFullPipe = Bun.spawnSync(["python3", "-c", NON_BLOCKING_READER, ...args], {
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(reference.stdout.length).toBeGreaterThan(4 * 65536);
    expect({
      exitCode: throughFullPipe.exitCode,
      stderr: throughFullPipe.stderr.toString(),
      same: Buffer.compare(throughFullPipe.stdout, reference.stdout) === 0,
    }).toEqual({ exitCode: reference.exitCode, stderr: "", same: true });
  });

  test("stdout on a full disk: one line naming the problem, exit 1", () => {
    const result = Bun.spawnSync(
      ["bash", "-c", `"$@" > /dev/full`, "bash", process.execPath, main, "--version"],
      {
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    expect({ exitCode: result.exitCode, stderr: result.stderr.toString() }).toEqual({
      exitCode: 1,
      stderr:
        "ckpt: cannot write to standard output: ENOSPC: no space left on device, write. Check where it goes (a full disk, a closed file).\n",
    });
  });
});
