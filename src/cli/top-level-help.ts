import { VISIBLE_COMMANDS } from "./command-registry.ts";

export function renderTopLevelHelp(version: string): string {
  const width = Math.max(...VISIBLE_COMMANDS.map((entry) => entry.name.length));
  const lines = VISIBLE_COMMANDS.map((entry) => `  ${entry.name.padEnd(width)}  ${entry.summary}`);
  return [
    `ckpt ${version} — a checkpoint catalog for GPU training servers`,
    "",
    "Usage: ckpt <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Options:",
    "  -h, --help     show help (also: ckpt help <command>, ckpt <command> --help)",
    "  -V, --version  print the version (also: ckpt version)",
    "",
  ].join("\n");
}
