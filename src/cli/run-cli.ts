import { AppError } from "../core/errors/app-error.ts";
import type { CommandContext } from "./command.ts";
import { findCommand } from "./command-registry.ts";
import { EXIT, EXIT_CODE_BY_ERROR } from "./exit-codes.ts";
import { renderTopLevelHelp } from "./top-level-help.ts";

/** Everything `runCli` needs from the outside, except the command's own arguments. */
export type CliEnvironment = Omit<CommandContext, "args">;

function describeUnexpected(error: unknown): string {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `ckpt: internal error — please report it with this output:\n${detail}\n`;
}

/** Runs one ckpt invocation and returns its exit code; expected failures become one line on stderr. */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    (first === undefined ? environment.stderr : environment.stdout).write(
      renderTopLevelHelp(environment.version),
    );
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === "-V" || first === "--version") {
    environment.stdout.write(`ckpt ${environment.version}\n`);
    return EXIT.ok;
  }
  const entry = findCommand(first);
  if (entry === undefined) {
    environment.stderr.write(`ckpt: unknown command '${first}'. Run 'ckpt --help' to see the commands.\n`);
    return EXIT.usage;
  }
  try {
    const command = await entry.load();
    return await command.run({ ...environment, args: rest });
  } catch (error) {
    if (error instanceof AppError) {
      environment.stderr.write(`ckpt: ${error.message}\n`);
      return EXIT_CODE_BY_ERROR[error.code];
    }
    environment.stderr.write(describeUnexpected(error));
    return EXIT.usage;
  }
}
