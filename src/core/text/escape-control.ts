import { escapeFsName } from "./fs-name.ts";

/**
 * Text from disk (a metric name from a metrics.csv header, a path) made safe to print on a terminal: control
 * characters become `\n`, `\t`, `\xNN` or `\u{NNNN}` escapes, so a name can never move the cursor or recolour.
 * @example escapeControl("a\u001b[2Jb") → "a\\x1b[2Jb"
 */
export function escapeControl(text: string): string {
  // A name's raw bytes (see fs-name.ts) are shown as `\xff` too, like the control bytes around them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return escapeFsName(text).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (character) => {
    if (character === "\n") return "\\n";
    if (character === "\t") return "\\t";
    const code = character.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}
