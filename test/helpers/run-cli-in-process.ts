import type { TextSink } from "../../src/cli/command.ts";
import { runCli } from "../../src/cli/run-cli.ts";

export type CliRun = { exitCode: number; stdout: string; stderr: string };

function collector(isTTY: boolean, columns?: number): TextSink & { text: () => string } {
  const parts: string[] = [];
  return { write: (text) => void parts.push(text), isTTY, columns, text: () => parts.join("") };
}

/** Runs ckpt in this process exactly as main does, with collected output and a fixed clock. */
export async function runCliInProcess(
  argv: readonly string[],
  options: {
    cwd: string;
    env?: Record<string, string>;
    now?: number;
    tty?: boolean;
    /** The terminal width stdout reports (with `tty`). */
    columns?: number;
    /** Answers a yes/no question as the terminal would (main asks on stdin). */
    confirm?: (question: string) => Promise<boolean | null>;
  },
): Promise<CliRun> {
  const stdout = collector(options.tty ?? false, options.columns);
  const stderr = collector(options.tty ?? false);
  const exitCode = await runCli(argv, {
    env: options.env ?? {},
    cwd: options.cwd,
    stdout,
    stderr,
    now: () => options.now ?? Date.UTC(2026, 10, 22, 12, 0, 0),
    version: "0.0.0-test",
    ...(options.confirm === undefined ? {} : { confirm: options.confirm }),
  });
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}
