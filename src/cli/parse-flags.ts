// Types only: the grammar is flag-tokens.ts's, whose values have the shape node:util's parseArgs types.
import type { ParseArgsConfig, parseArgs } from "node:util";
import { AppError } from "../core/errors/app-error.ts";
import { didYouMean, nearestNames } from "../core/suggestions/nearest-names.ts";
import { type FlagToken, flagTokens, flagValues } from "./flag-tokens.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;
type OptionToken = Extract<FlagToken, { kind: "option" }>;
type ParsedFlags<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

function usageError(command: string, problem: string): AppError {
  return new AppError("usage", `${command}: ${problem} Run 'ckpt ${command} --help' for the options.`);
}

/** `-sort` (one dash) is a long option typed short: suggest by the word, not by its first letter. */
function unknownOption(command: string, token: OptionToken, options: Options, arg: string): AppError {
  const longs = Object.keys(options).map((name) => `--${name}`);
  const shorts = Object.values(options).flatMap((option) => (option.short ? [`-${option.short}`] : []));
  const singleDashWord = /^-[^-]{2,}/.test(arg);
  const typed = singleDashWord ? (arg.split("=")[0] ?? arg) : token.rawName;
  // Any two letters are one edit apart, so a short option is only matched by its case (`-v` for `-V`).
  const suggestions = singleDashWord
    ? nearestNames(typed.slice(1), Object.keys(options)).map((name) => `--${name}`)
    : typed.startsWith("--")
      ? nearestNames(typed, longs)
      : shorts.filter((short) => short.toLowerCase() === typed.toLowerCase());
  const hint = didYouMean(suggestions);
  return usageError(command, `unknown option '${typed}'.${hint === "" ? "" : ` ${hint}`}`);
}

/** The first thing wrong with the flags, worded for a person; null when they parse. */
function flagProblem(
  command: string,
  tokens: readonly FlagToken[],
  options: Options,
  args: readonly string[],
) {
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const option = options[token.name];
    if (option === undefined) return unknownOption(command, token, options, args[token.index] ?? "");
    const flag = token.rawName;
    if (option.type === "boolean" && token.value !== undefined)
      return usageError(command, `${flag} takes no value (got '${flag}=${token.value}').`);
    if (option.type === "string" && token.value === undefined)
      return usageError(command, `${flag} needs a value.`);
    if (option.type === "string" && token.inlineValue === false && /^-./.test(token.value ?? "")) {
      return usageError(
        command,
        `${flag} needs a value, but got the option '${token.value}'; write ${flag}=${token.value} if that is the value.`,
      );
    }
  }
  return null;
}

/**
 * parseArgs' grammar in strict mode (flag-tokens.ts), with `-h/--help` added to every command. Unknown options,
 * missing values and values given to switches are usage errors that name the command and the nearest valid
 * options, so `main` exits 2 with one clear line.
 */
export function parseFlags<const T extends Options>(
  command: string,
  args: readonly string[],
  options: T,
): ParsedFlags<T & { help: { type: "boolean"; short: "h" } }> {
  const withHelp = { ...options, help: { type: "boolean", short: "h" } } as const;
  const tokens = flagTokens(args, withHelp);
  const problem = flagProblem(command, tokens, withHelp, args);
  if (problem !== null) throw problem;
  return flagValues(tokens, withHelp) as ParsedFlags<T & { help: { type: "boolean"; short: "h" } }>;
}

/** Validates a flag whose value must be one of a fixed set; a near miss is suggested. */
export function oneOf<const T extends string>(
  command: string,
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const hint = didYouMean(nearestNames(value, allowed));
  throw new AppError(
    "usage",
    `${command}: --${flag} must be one of ${allowed.join(", ")} (got '${value}').${hint === "" ? "" : ` ${hint}`}`,
  );
}
