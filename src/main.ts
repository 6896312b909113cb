#!/usr/bin/env bun
// The one composition root: only this file reads argv, env and the process streams, and sets the exit code.
import packageJson from "../package.json" with { type: "json" };
import type { ProcessControl, TextSink } from "./cli/command.ts";
import { runCli } from "./cli/run-cli.ts";

declare const CKPT_BUILD_COMMIT: string | undefined;

function buildVersion(): string {
  const commit = typeof CKPT_BUILD_COMMIT === "string" ? ` (${CKPT_BUILD_COMMIT})` : "";
  return `${packageJson.version}${commit}`;
}

function sink(stream: NodeJS.WriteStream): TextSink {
  return {
    write: (text) => void stream.write(text),
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

process.exitCode = await runCli(Bun.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: sink(process.stdout),
  stderr: sink(process.stderr),
  now: () => Date.now(),
  version: buildVersion(),
  process: processControl,
});
