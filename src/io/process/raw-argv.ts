import { readFileSync } from "node:fs";
import { fsNameFromBytes, hasRawBytes } from "../../core/text/fs-name.ts";

/** Splits /proc/self/cmdline (NUL-terminated arguments) into its arguments' bytes. */
export function splitCommandLine(raw: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let end = raw.indexOf(0); end !== -1; end = raw.indexOf(0, start)) {
    parts.push(raw.subarray(start, end));
    start = end + 1;
  }
  return parts;
}

/**
 * The command-line arguments in ckpt's spelling of names (see core/text/fs-name.ts). The runtime decodes argv as
 * UTF-8 and replaces bytes that are not (a `bad\xff.ckpt` typed in a shell), so such an argument is taken again
 * from /proc/self/cmdline, whose last arguments are ours; one that does not line up is kept as given. Valid
 * arguments cost nothing; without /proc (not Linux) they all stay as given.
 */
export function argsWithRawBytes(args: readonly string[]): string[] {
  if (!args.some(hasRawBytes)) return [...args];
  let parts: Buffer[];
  try {
    parts = splitCommandLine(readFileSync("/proc/self/cmdline"));
  } catch {
    return [...args];
  }
  const ours = parts.slice(parts.length - args.length);
  return args.map((arg, index) => {
    const raw = ours[index];
    const linesUp = raw !== undefined && ours.length === args.length && raw.toString("utf8") === arg;
    return hasRawBytes(arg) && linesUp ? fsNameFromBytes(raw) : arg;
  });
}
