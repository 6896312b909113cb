/** A flag as a command's `--help` documents it. */
export type UsageFlag = {
  /** Without dashes: `sort`, `no-scan`. */
  readonly name: string;
  /** One letter, or null. */
  readonly short: string | null;
  /** The value's placeholder (`KEY`, `PATH`), or null for a switch (and for an optional `--poll[=SECONDS]`). */
  readonly value: string | null;
  /** The first line of its description. */
  readonly description: string;
};

// `  -v, --verbose   …`, `  --json, --csv   …`, `  --sort KEY   …`, `  --poll[=SECONDS]   …`: the head before the gap.
const OPTION_LINE = /^ {2}(-[^ ].*?)(?: {2,}(.*)|$)/;
const PIECE = /^(?:-([a-zA-Z])|--([a-z][a-z0-9-]*))(?:\[=[A-Z][A-Z0-9_]*\]| ([A-Z][A-Z0-9_.]*))?$/;

/**
 * The flags a usage text documents, in order: its option lines are the one list of a command's flags that users
 * see, so shell completion reads them rather than keeping a second list.
 * @example usageFlags("Options:\n  -v, --verbose   print more\n") → [{ name: "verbose", short: "v", value: null, description: "print more" }]
 */
export function usageFlags(usage: string): UsageFlag[] {
  return usage.split("\n").flatMap((line) => {
    const option = OPTION_LINE.exec(line);
    const head = option?.[1];
    if (head === undefined) return [];
    const description = option?.[2]?.trim() ?? "";
    const pieces = head.split(", ").map((piece) => PIECE.exec(piece.trim()));
    if (pieces.some((piece) => piece === null)) return [];
    const short = pieces.find((piece) => piece?.[1] !== undefined)?.[1] ?? null;
    const value = pieces.find((piece) => piece?.[3] !== undefined)?.[3] ?? null;
    return pieces.flatMap((piece) => {
      const name = piece?.[2];
      return name === undefined ? [] : [{ name, short, value, description }];
    });
  });
}
