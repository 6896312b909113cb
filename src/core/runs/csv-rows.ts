/** One CSV record: its cells and the 1-based line it starts on. */
export type CsvRow = { readonly cells: string[]; readonly line: number };

/** What `splitCsvRows` found: the complete records and whether a partial last record was dropped. */
export type CsvRows = { readonly rows: CsvRow[]; readonly droppedPartialTail: boolean };

/**
 * RFC 4180 splitter (quoted cells, `""` escapes, line breaks inside quotes, LF or CRLF). A last record without its
 * line break is dropped: every CSV we read is appended to (or rewritten) while training runs, so an unterminated
 * last line is a write in progress, not data. Blank lines are skipped.
 */
export function splitCsvRows(text: string): CsvRows {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else {
        if (char === "\n") line += 1;
        cell += char;
      }
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else if (char === "\n") {
      cells.push(cell.endsWith("\r") ? cell.slice(0, -1) : cell);
      if (cells.length > 1 || cells[0] !== "") rows.push({ cells, line: rowLine });
      cells = [];
      cell = "";
      line += 1;
      rowLine = line;
    } else cell += char;
  }
  return { rows, droppedPartialTail: cells.length > 0 || cell !== "" || quoted };
}
