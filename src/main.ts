#!/usr/bin/env bun
import { writeSync } from "node:fs";
// The one composition root: only this file reads argv, env and the process streams, and sets the exit code.
import packageJson from "../package.json" with { type: "json" };
import type { ProcessControl } from "./cli/command.ts";
import { findCommand } from "./cli/command-registry.ts";
import { runCli } from "./cli/run-cli.ts";
import { errorCodeOf } from "./core/errors/error-code.ts";
import { fdTextSink, isTerminalFd } from "./io/process/fd-text-sink.ts";
import { argsWithRawBytes } from "./io/process/raw-argv.ts";

// First, before anything is read or written: a command that runs best with other JavaScriptCore options restarts
// in place with them (a no-op once they are set, or where it cannot).
const jscOptions = findCommand(Bun.argv[2] ?? "")?.jscOptions;
if (jscOptions !== undefined) {
  const { reexecWithJscOptions } = await import("./io/process/jsc-options-reexec.ts");
  reexecWithJscOptions(jscOptions, process.env);
}

declare const CKPT_BUILD_COMMIT: string | undefined;

function buildVersion(): string {
  const commit = typeof CKPT_BUILD_COMMIT === "string" ? ` (${CKPT_BUILD_COMMIT})` : "";
  return `${packageJson.version}${commit}`;
}

/** What a shell reports for a process killed by SIGPIPE (128 + 13), as `git log | head -1` does. */
const EXIT_BROKEN_PIPE = 141;

/**
 * `ckpt ls | head -1`: once the reader is gone, ckpt stops quietly, as a C tool dies of SIGPIPE. Any other failed
 * write (a full disk behind `> file`) is one line on stderr and exit 1.
 */
function exitOnWriteError(fd: 1 | 2) {
  return (error: unknown): never => {
    if (errorCodeOf(error) === "EPIPE") process.exit(EXIT_BROKEN_PIPE);
    const what = error instanceof Error ? error.message : String(error);
    const stream = fd === 1 ? "standard output" : "standard error";
    try {
      writeSync(
        2,
        `ckpt: cannot write to ${stream}: ${what}. Check where it goes (a full disk, a closed file).\n`,
      );
    } finally {
      process.exit(1);
    }
  };
}

const [stdoutIsTTY, stderrIsTTY] = await Promise.all([isTerminalFd(1), isTerminalFd(2)]);

/** From source the script runs under bun; a compiled binary's modules live under `/$bunfs/`. */
function selfCommand(): string[] {
  const compiled = import.meta.url.startsWith("file:///$bunfs/");
  const script = Bun.argv[1];
  return compiled || script === undefined ? [process.execPath] : [process.execPath, script];
}

const processControl: ProcessControl = {
  pid: process.pid,
  uid: process.getuid?.() ?? 0,
  selfCommand: selfCommand(),
  onSignal(signal, handler) {
    process.on(signal, handler);
    return () => void process.off(signal, handler);
  },
  kill(pid, signal) {
    try {
      return process.kill(pid, signal);
    } catch {
      return false;
    }
  },
};

process.exitCode = await runCli(argsWithRawBytes(Bun.argv.slice(2)), {
  env: process.env,
  cwd: process.cwd(),
  stdout: fdTextSink({ fd: 1, stream: () => process.stdout, onWriteError: exitOnWriteError(1) }, stdoutIsTTY),
  stderr: fdTextSink({ fd: 2, stream: () => process.stderr, onWriteError: exitOnWriteError(2) }, stderrIsTTY),
  now: () => Date.now(),
  version: buildVersion(),
  process: processControl,
  // Loaded on the first question: node:readline costs every other command tens of ms of start-up.
  confirm: async (question) => {
    const { askYesOrNo } = await import("./io/process/terminal-question.ts");
    return askYesOrNo(question, { input: process.stdin, output: process.stderr });
  },
});
