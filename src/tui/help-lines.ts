import type { Line } from "./detail-lines.ts";
import { marksFor, ROW_STATUSES, STATUS_GLYPHS } from "./status-glyphs.ts";

const KEYS: readonly (readonly [string, string])[] = [
  ["j/k ↓/↑", "move (scroll in detail)"],
  ["g/G Home/End", "first / last row"],
  ["PgUp/PgDn", "page up / down"],
  ["Ctrl-u/Ctrl-d", "half a page up / down"],
  ["h/l ←/→", "collapse / expand the run; z all runs"],
  ["Enter", "detail of the checkpoint (on a run: collapse or expand)"],
  ["/", "filter: a regex over path, run, architecture, framework (Enter keeps it, Esc clears it)"],
  ["s / S", "sort by the next column / reverse; by metric, runs are grouped by metric, ▼ best first"],
  ["Space", "mark a checkpoint (two at most)"],
  ["c", "compare the two marked: metrics and differing hyper-parameters"],
  ["y", "send the path to the clipboard (OSC 52: over SSH, in tmux with set-clipboard on); shown below too"],
  ["Y", "the same with a resume snippet for the checkpoint's framework"],
  ["d", "prune the run: type a policy (best=1,last=1), see what would go (×), y deletes, n/Esc cancels"],
  ["r", "rescan now (the catalog also updates live)"],
  ["Esc", "back, or clear the filter and marks (also h/← in detail)"],
  ["?", "this help"],
  ["q", "quit"],
];

/** The `?` overlay: every key, and what the row marks mean in the current character set. */
export function helpLines(ascii: boolean): Line[] {
  const marks = marksFor(ascii);
  const glyphs = ROW_STATUSES.map((status) => {
    const glyph = STATUS_GLYPHS[status];
    return { text: `  ${ascii ? glyph.ascii : glyph.unicode}  ${glyph.label}`, color: glyph.color };
  });
  return [
    { text: "keys", bold: true, color: "cyan" },
    ...KEYS.map(([key, what]) => ({ text: `  ${key.padEnd(15)} ${what}`, hang: 18 })),
    { text: "" },
    { text: "marks", bold: true, color: "cyan" },
    ...glyphs,
    { text: `  ${marks.best}  the run's best checkpoint by its primary metric` },
    { text: `  ${marks.marked}  marked for compare` },
    { text: `  ${marks.doomed}  would be deleted by the prune being previewed (d)` },
    { text: "" },
    { text: "Under tmux, set -sg escape-time 10 makes Esc immediate.", dim: true },
  ];
}
