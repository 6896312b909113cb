import type { CommandContext } from "./command.ts";

/**
 * The width a table is narrowed to: `COLUMNS` when it is set (as GNU ls reads it, so a script can ask for a
 * width), else the terminal's; none when the output is piped, so `ckpt ls | grep` sees whole cells.
 */
export function tableWidth(context: Pick<CommandContext, "env" | "stdout">): number | undefined {
  const fromEnv = Number(context.env["COLUMNS"]);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return context.stdout.isTTY ? context.stdout.columns : undefined;
}
