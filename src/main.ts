#!/usr/bin/env bun
// The one composition root: only this file reads argv, env and the process streams, and calls process.exit.
import packageJson from "../package.json" with { type: "json" };
import type { CommandContext, TextSink } from "./cli/command.ts";
import { findCommand } from "./cli/command-registry.ts";
import { EXIT, EXIT_CODE_BY_ERROR } from "./cli/exit-codes.ts";
import { renderTopLevelHelp } from "./cli/top-level-help.ts";
import { AppError } from "./core/errors/app-error.ts";

declare const CKPT_BUILD_COMMIT: string | undefined;

function buildVersion(): string {
  const commit = typeof CKPT_BUILD_COMMIT === "string" ? ` (${CKPT_BUILD_COMMIT})` : "";
  return `${packageJson.version}${commit}`;
}

function sink(stream: NodeJS.WriteStream): TextSink {
  return { write: (text) => void stream.write(text), isTTY: stream.isTTY === true };
}

async function main(argv: readonly string[]): Promise<number> {
  const version = buildVersion();
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    process.stdout.write(renderTopLevelHelp(version));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === "-V" || first === "--version") {
    process.stdout.write(`ckpt ${version}\n`);
    return EXIT.ok;
  }
  const entry = findCommand(first);
  if (entry === undefined) {
    process.stderr.write(`ckpt: unknown command '${first}'. Run 'ckpt --help' to see the commands.\n`);
    return EXIT.usage;
  }
  const context: CommandContext = {
    args: rest,
    env: process.env,
    cwd: process.cwd(),
    stdout: sink(process.stdout),
    stderr: sink(process.stderr),
    now: () => Date.now(),
    version,
  };
  const command = await entry.load();
  return command.run(context);
}

function reportFailure(error: unknown): number {
  if (error instanceof AppError) {
    process.stderr.write(`ckpt: ${error.message}\n`);
    return EXIT_CODE_BY_ERROR[error.code];
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`ckpt: internal error — please report it with this output:\n${detail}\n`);
  return EXIT.usage;
}

const code = await main(Bun.argv.slice(2)).catch(reportFailure);
process.exitCode = code;
