import { AppError } from "../core/errors/app-error.ts";
import { didYouMean, nearestNames } from "../core/suggestions/nearest-names.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import type { CommandContext } from "./command.ts";
import { findCommand, VISIBLE_COMMANDS } from "./command-registry.ts";
import { EXIT, EXIT_CODE_BY_ERROR } from "./exit-codes.ts";
import { openSharedCatalogAhead } from "./shared-catalog-ahead.ts";
import { renderTopLevelHelp } from "./top-level-help.ts";

/** Everything `runCli` needs from the outside, except the command's own arguments. */
export type CliEnvironment = Omit<CommandContext, "args">;

const HELP_WORDS = ["-h", "--help", "help"];
const VERSION_WORDS = ["-V", "--version", "version"];

function describeUnexpected(error: unknown): string {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  // A stack's lines stay lines; a name in one is escaped like any other.
  const lines = detail.split("\n").map(escapeControl).join("\n");
  return `ckpt: internal error — please report it with this output:\n${lines}\n`;
}

/** `ckpt lss` → the nearest commands; `ckpt --verison` → the nearest top-level options. */
function unknownCommand(word: string, environment: CliEnvironment): number {
  const isOption = word.startsWith("-");
  const candidates = isOption
    ? ["--help", "--version", "-h", "-V"]
    : [...VISIBLE_COMMANDS.map((entry) => entry.name), "help", "version"];
  const hint = didYouMean(nearestNames(word, candidates));
  const what = isOption ? "option" : "command";
  environment.stderr.write(
    `ckpt: unknown ${what} '${escapeControl(word)}'. ${hint === "" ? "Run 'ckpt --help' to see the commands." : hint}\n`,
  );
  return EXIT.usage;
}

/** `ckpt help` prints the general help, `ckpt help CMD` that command's. */
async function runHelp(topic: string | undefined, environment: CliEnvironment): Promise<number> {
  const entry = topic === undefined || topic === "help" ? undefined : findCommand(topic);
  if (topic !== undefined && topic !== "help" && (entry === undefined || entry.hidden === true)) {
    return unknownCommand(topic, environment);
  }
  environment.stdout.write(
    entry === undefined ? renderTopLevelHelp(environment.version) : (await entry.load()).usage,
  );
  return EXIT.ok;
}

async function runCommand(name: string, args: readonly string[], environment: CliEnvironment) {
  const entry = findCommand(name);
  if (entry === undefined) return unknownCommand(name, environment);
  const closeAhead = entry.queriesSharedCatalog ? await openSharedCatalogAhead(args, environment.env) : null;
  try {
    const command = await entry.load();
    return await command.run({ ...environment, args });
  } catch (error) {
    if (error instanceof AppError) {
      // Messages name files (a path, a metric read from one): escaped here, where every error is printed, so a
      // name can neither drive the terminal nor split the one line an error is.
      environment.stderr.write(`ckpt: ${escapeControl(error.message)}\n`);
      return EXIT_CODE_BY_ERROR[error.code];
    }
    environment.stderr.write(describeUnexpected(error));
    return EXIT.usage;
  } finally {
    await closeAhead?.();
  }
}

/** Runs one ckpt invocation and returns its exit code; expected failures become one line on stderr. */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    environment.stderr.write(renderTopLevelHelp(environment.version));
    return EXIT.usage;
  }
  if (HELP_WORDS.includes(first)) return await runHelp(rest[0], environment);
  if (VERSION_WORDS.includes(first)) {
    environment.stdout.write(`ckpt ${environment.version}\n`);
    return EXIT.ok;
  }
  return await runCommand(first, rest, environment);
}
