/** One CSV record: its cells and the 1-based line it starts on. */
export type CsvRow = { readonly cells: string[]; readonly line: number };

/** What `splitCsvRows` found: the complete records and whether a partial last record was dropped. */
export type CsvRows = { readonly rows: CsvRow[]; readonly droppedPartialTail: boolean };

/** A record longer than this is not a run file's row: the stream stops with an error instead of buffering it. */
export const MAX_CSV_RECORD_CHARS = 1_000_000;

type Scan = { rows: CsvRow[]; consumed: number; line: number };

/** Lines without quotes, the usual case: split on newlines and commas. */
function scanPlain(text: string, firstLine: number): Scan {
  const end = text.lastIndexOf("\n");
  const rows: CsvRow[] = [];
  let line = firstLine;
  if (end < 0) return { rows, consumed: 0, line };
  for (const raw of text.slice(0, end).split("\n")) {
    const record = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (record !== "") rows.push({ cells: record.split(","), line });
    line += 1;
  }
  return { rows, consumed: end + 1, line };
}

/** RFC 4180 records (quoted cells, `""` escapes, line breaks inside quotes) up to the last complete one. */
function scanQuoted(text: string, firstLine: number): Scan {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = firstLine;
  let rowLine = firstLine;
  let consumed = 0;
  let consumedLine = firstLine;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      // A closing quote at the very end may be the first half of `""`: wait for the next chunk.
      if (char === '"' && index + 1 === text.length) break;
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
      consumed = index + 1;
      consumedLine = line;
    } else cell += char;
  }
  return { rows, consumed, line: consumedLine };
}

/**
 * CSV records from text that arrives in chunks (a file read piece by piece, or its new bytes appended since the
 * last look). A record is emitted once its line break arrived; the rest waits for the next `push`.
 */
export class CsvRowStream {
  private pending = "";
  private line = 1;

  /** Complete records in `chunk` (and what was pending before it). */
  push(chunk: string): CsvRow[] {
    const text = this.pending + chunk;
    const scan = text.includes('"') ? scanQuoted(text, this.line) : scanPlain(text, this.line);
    this.pending = text.slice(scan.consumed);
    this.line = scan.line;
    return scan.rows;
  }

  /** A record without its line break grew past `MAX_CSV_RECORD_CHARS`: not a CSV worth buffering further. */
  get overlong(): boolean {
    return this.pending.length > MAX_CSV_RECORD_CHARS;
  }

  /** Whether text after the last line break is waiting: a write in progress, not data. */
  get hasPartialTail(): boolean {
    return this.pending !== "";
  }
}

/**
 * RFC 4180 splitter (quoted cells, `""` escapes, line breaks inside quotes, LF or CRLF). A last record without its
 * line break is dropped: every CSV we read is appended to (or rewritten) while training runs, so an unterminated
 * last line is a write in progress, not data. Blank lines are skipped.
 */
export function splitCsvRows(text: string): CsvRows {
  const stream = new CsvRowStream();
  const rows = stream.push(text);
  return { rows, droppedPartialTail: stream.hasPartialTail };
}
