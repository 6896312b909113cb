import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";

/** The five states a row shows, worst first: what the user should notice before picking a checkpoint. */
export const ROW_STATUSES = ["unsafe", "incomplete", "invalid", "missing", "valid"] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];

/** Unicode glyph, `--ascii` glyph, colour and the word the help and the detail use. */
export const STATUS_GLYPHS = {
  valid: { unicode: "✓", ascii: "o", color: "green", label: "valid sidecar" },
  missing: { unicode: "○", ascii: "-", color: "gray", label: "no sidecar (or stale / off)" },
  invalid: { unicode: "✗", ascii: "x", color: "red", label: "invalid sidecar or unreadable checkpoint" },
  incomplete: { unicode: "◌", ascii: "~", color: "yellow", label: "incomplete (still being written?)" },
  unsafe: { unicode: "⚠", ascii: "!", color: "redBright", label: "unsafe pickle: do not torch.load it" },
} as const satisfies Record<RowStatus, { unicode: string; ascii: string; color: string; label: string }>;

export function rowStatus(entry: Pick<CatalogEntry, "status" | "safety" | "sidecar">): RowStatus {
  if (entry.status === "unsafe" || entry.safety === "unsafe") return "unsafe";
  if (entry.status === "incomplete") return "incomplete";
  const unreadable =
    entry.status === "corrupt" || entry.status === "not-a-checkpoint" || entry.status === "too-large";
  if (unreadable || entry.sidecar === "invalid") return "invalid";
  return entry.sidecar === "valid" ? "valid" : "missing";
}

/** The other marks a table uses, in both character sets. */
export const MARKS = {
  unicode: {
    cursor: "›",
    best: "★",
    marked: "●",
    doomed: "×",
    expanded: "▾",
    collapsed: "▸",
    ascending: "▲",
    descending: "▼",
  },
  ascii: {
    cursor: ">",
    best: "*",
    marked: "+",
    doomed: "D",
    expanded: "v",
    collapsed: ">",
    ascending: "^",
    descending: "v",
  },
} as const;

export function marksFor(ascii: boolean) {
  return ascii ? MARKS.ascii : MARKS.unicode;
}

/** What a checkpoint row's mark column says: marked for compare, or to be deleted by the prune previewed. */
export type RowMarks = {
  readonly marked: boolean;
  /** A prune preview would delete it. @default false */
  readonly doomed?: boolean;
};

/** The mark column: × (a prune preview deletes it) wins over ● (marked for compare). */
export function markCell(marks: ReturnType<typeof marksFor>, row: RowMarks) {
  if (row.doomed === true) return { text: marks.doomed, color: "magentaBright", bold: true };
  return { text: row.marked ? marks.marked : " ", color: "cyan" };
}
