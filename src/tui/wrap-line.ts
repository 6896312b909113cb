import { escapeControl } from "../core/text/escape-control.ts";
import type { Line } from "./detail-lines.ts";

/** Below this many columns for the text, continuation rows are not indented. */
const MIN_TEXT_WIDTH = 8;

/**
 * `text` in rows of at most `width` characters, broken at the last space that fits (a path or a word longer than a
 * row is cut where the row ends); rows after the first are indented by `indent`. Nothing is dropped.
 * @example wrapLine("a long error: fix it", 12, 2) // ["a long", "  error: fix", "  it"]
 */
export function wrapLine(text: string, width: number, indent = 0): string[] {
  // Names from disk are shown escaped, never as control bytes or line breaks, and measured as shown.
  const shown = escapeControl(text);
  let rest = [...shown];
  if (width <= 0 || rest.length <= width) return [shown];
  const hang = width - indent >= MIN_TEXT_WIDTH ? indent : 0;
  const rows: string[] = [];
  let prefix = "";
  while (rest.length > 0) {
    const room = width - prefix.length;
    if (rest.length <= room) {
      rows.push(prefix + rest.join(""));
      break;
    }
    const space = rest.lastIndexOf(" ", room);
    const cut = space > 0 ? space : room;
    rows.push(prefix + rest.slice(0, cut).join("").trimEnd());
    rest = rest.slice(cut);
    while (rest[0] === " ") rest = rest.slice(1);
    prefix = " ".repeat(hang);
  }
  return rows;
}

/** A page's lines fitted to its width: each long line continues below itself (`hang`, else two columns in). */
export function wrapLines(lines: readonly Line[], width: number): readonly Line[] {
  const shown = lines.map((line) => {
    const text = escapeControl(line.text);
    return text === line.text ? line : { ...line, text };
  });
  if (shown.every((line) => line.text.length <= width)) return shown;
  return shown.flatMap((line) => {
    const indent = line.hang ?? line.text.length - line.text.trimStart().length + 2;
    return wrapLine(line.text, width, indent).map((text) => ({ ...line, text }));
  });
}
