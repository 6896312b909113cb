#!/usr/bin/env bun
// The one composition root: only this file reads argv, env and the process streams, and sets the exit code.
import packageJson from "../package.json" with { type: "json" };
import type { ProcessControl, TextSink } from "./cli/command.ts";
import { runCli } from "./cli/run-cli.ts";
import { argsWithRawBytes } from "./io/process/raw-argv.ts";

declare const CKPT_BUILD_COMMIT: string | undefined;

function buildVersion(): string {
  const commit = typeof CKPT_BUILD_COMMIT === "string" ? ` (${CKPT_BUILD_COMMIT})` : "";
  return `${packageJson.version}${commit}`;
}

/** What a shell reports for a process killed by SIGPIPE (128 + 13), as `git log | head -1` does. */
const EXIT_BROKEN_PIPE = 141;

function exitOnBrokenPipe(error: unknown): void {
  if (error instanceof Error && "code" in error && error.code === "EPIPE") process.exit(EXIT_BROKEN_PIPE);
  throw error;
}

/** `ckpt ls | head -1`: once the reader is gone, ckpt stops quietly, as a C tool dies of SIGPIPE. */
function sink(stream: NodeJS.WriteStream): TextSink {
  stream.on("error", exitOnBrokenPipe);
  return {
    write: (text) => {
      try {
        stream.write(text);
      } catch (error) {
        exitOnBrokenPipe(error);
      }
    },
    isTTY: stream.isTTY === true,
    get columns() {
      return stream.isTTY ? stream.columns : undefined;
    },
  };
}

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
  stdout: sink(process.stdout),
  stderr: sink(process.stderr),
  now: () => Date.now(),
  version: buildVersion(),
  process: processControl,
  // Loaded on the first question: node:readline costs every other command tens of ms of start-up.
  confirm: async (question) => {
    const { askYesOrNo } = await import("./io/process/terminal-question.ts");
    return askYesOrNo(question, { input: process.stdin, output: process.stderr });
  },
});
