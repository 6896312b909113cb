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
    "Examples:",
    "  ckpt ls runs --sort -hmean --since 7d   last week's checkpoints, best first",
    "  ckpt best runs                          the best checkpoint of each run",
    "  ckpt watch runs --detach                keep the catalog current in the background",
    "  ckpt tui runs                           browse it in the terminal",
    "",
  ].join("\n");
}
