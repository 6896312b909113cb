/** A UTF-16 surrogate: where code points and UTF-16 units differ in number. */
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Width in terminal cells, counted as code points (what the tables and the TUI align by). Text without a
 * surrogate has one code point per unit: its length, one native regex test instead of a string iterator per
 * character (a table's cells are measured several times each, mostly while the code still runs interpreted).
 */
export function textWidth(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let width = 0;
  for (const _ of text) width++;
  return width;
}

/** Cuts `text` to `width` cells, the cut marked by a trailing `…`: `truncateEnd("efficientnet", 6)` → `effic…`. */
export function truncateEnd(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return "";
  return `${chars.slice(0, width - 1).join("")}…`;
}

/** Cuts `text` to `width` cells keeping its end, the cut marked by a leading `…`: `…hmean0.9811.ckpt`. */
export function truncateStart(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return "";
  return `…${chars.slice(chars.length - width + 1).join("")}`;
}

/**
 * Cuts the middle of `text` to `width` cells, keeping both ends, for names told apart by their ends
 * (`dbnet_r18_dev_cleval` / `dbnet_r18_dev_full` at 14 → `dbnet_r…cleval` / `dbnet_r1…_full`).
 */
export function truncateMiddle(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return "";
  const back = Math.floor((width - 1) / 2);
  const front = width - 1 - back;
  return `${chars.slice(0, front).join("")}…${chars.slice(chars.length - back).join("")}`;
}

function joinShortened(head: readonly string[], tail: readonly string[]): string {
  return [...head, "…", ...tail].join("/");
}

/**
 * Shortens a path to `width` cells in the middle, whole segments at a time, so both what it is under and its file
 * name stay readable: `runs/lightning/outputs/exp/2026-11-22/checkpoints/last.ckpt` at 32 →
 * `runs/…/checkpoints/last.ckpt`. The file name is kept whole while it fits, else its end is kept.
 */
export function shortenPath(path: string, width: number): string {
  if (textWidth(path) <= width) return path;
  const segments = path.split("/");
  const name = segments.pop() ?? path;
  if (textWidth(name) + 2 > width) return truncateStart(name, width);
  const head: string[] = [];
  const tail = [name];
  const fits = (candidateHead: readonly string[], candidateTail: readonly string[]) =>
    textWidth(joinShortened(candidateHead, candidateTail)) <= width;
  let front = 0;
  let back = segments.length - 1;
  // The first segment says where it is (`runs`, `/data`), then directories nearest the file say what it is.
  const first = segments[0] === "" ? segments.slice(0, 2) : segments.slice(0, 1);
  if (first.length <= back + 1 && fits(first, tail)) {
    head.push(...first);
    front = first.length;
  }
  while (back >= front && fits(head, [segments[back] ?? "", ...tail])) tail.unshift(segments[back--] ?? "");
  while (front <= back && fits([...head, segments[front] ?? ""], tail)) head.push(segments[front++] ?? "");
  return joinShortened(head, tail);
}
