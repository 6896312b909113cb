import { type ParseArgsConfig, parseArgs } from "node:util";
import { AppError } from "../core/errors/app-error.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `node:util` parseArgs in strict mode, with `-h/--help` added to every command and every parse failure turned
 * into a usage error that names the command, so `main` exits 2 with one clear line.
 */
export function parseFlags<const T extends Options>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({
      args: [...args],
      options: { ...options, help: { type: "boolean", short: "h" } } as T & { help: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError("usage", `${command}: ${reason}. Run 'ckpt ${command} --help' for usage.`, {
      cause: error,
    });
  }
}

/** Validates a flag whose value must be one of a fixed set. */
export function oneOf<const T extends string>(
  command: string,
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new AppError("usage", `${command}: --${flag} must be one of ${allowed.join(", ")} (got '${value}').`);
}
