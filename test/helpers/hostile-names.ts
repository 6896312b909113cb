// Test-only: checkpoints whose names carry terminal control bytes (issue 14, item 5), as real files.
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { realFixtureRoot } from "./real-fixtures.ts";

/** Sets the terminal's title; writes another user's clipboard (OSC 52); breaks a table's row. */
export const HOSTILE_FILES = ["t\x1b]0;pwned\x07.ckpt", "o\x1b]52;c;aGVsbG8=\x07.ckpt", "new\nline\tx.ckpt"];

/** A run directory that would recolour the terminal and split a row: plain torch takes its experiment from it. */
export const HOSTILE_RUN = "e\x1b[31mvil\nrun";

/** How ckpt shows them: escaped as `escapeControl` does, one line each. */
export const SHOWN_FILES = [
  "t\\x1b]0;pwned\\x07.ckpt",
  "o\\x1b]52;c;aGVsbG8=\\x07.ckpt",
  "new\\nline\\tx.ckpt",
];
export const SHOWN_RUN = "e\\x1b[31mvil\\nrun";

/** Copies a real torch checkpoint to `root/<run>/<each hostile name>`; returns the paths. */
export function writeHostileCheckpoints(root: string, runName = HOSTILE_RUN): string[] {
  const run = join(root, runName);
  mkdirSync(run, { recursive: true });
  return HOSTILE_FILES.map((name) => {
    const path = join(run, name);
    copyFileSync(join(realFixtureRoot, "torch", "bf16_weights.pt"), path);
    return path;
  });
}

/** The lines of `text` that hold a control byte other than the line breaks themselves. */
export function linesWithControlBytes(text: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  return text.split("\n").filter((line) => /[\u0000-\u001f\u007f-\u009f]/.test(line));
}
