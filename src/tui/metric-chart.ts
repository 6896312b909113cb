import type { CurveAxis } from "../core/runs/metric-curve.ts";

export type ChartPoint = { readonly x: number; readonly value: number };

export type ChartOptions = {
  readonly points: readonly ChartPoint[];
  /** What x is: the axis labels say `step 32` or `epoch 3`. */
  readonly axis: CurveAxis;
  /** Plot width in characters (the y labels come on top of this). */
  readonly width: number;
  readonly height: number;
  /** The checkpoint's place on the axis: a dotted column in the plot and a ▲ under it. */
  readonly mark: number | null;
  readonly ascii: boolean;
};

const LABEL_WIDTH = 9;
/** Braille dot bits by [x][y] inside a 2×4 cell. */
const BRAILLE_BITS = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
] as const;

type Grid = { readonly columns: number; readonly rows: number; readonly cells: number[][] };

function label(value: number): string {
  const magnitude = Math.abs(value);
  const text =
    magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)
      ? value.toExponential(2)
      : String(Number(value.toPrecision(4)));
  return text.padStart(LABEL_WIDTH - 1).slice(-(LABEL_WIDTH - 1));
}

function scale(value: number, low: number, high: number, size: number): number {
  return high === low ? Math.floor((size - 1) / 2) : Math.round(((value - low) / (high - low)) * (size - 1));
}

/** Sets dots in a pixel grid (x right, y down) of `dotsX × dotsY`; braille packs 2×4 dots per character. */
function plot(grid: Grid, x: number, y: number, dotsPerCell: { x: number; y: number }): void {
  const row = grid.cells[Math.floor(y / dotsPerCell.y)];
  const column = Math.floor(x / dotsPerCell.x);
  if (row === undefined || column >= grid.columns) return;
  const bit = dotsPerCell.x === 1 ? 1 : (BRAILLE_BITS[x % 2]?.[y % 4] ?? 0);
  row[column] = (row[column] ?? 0) | bit;
}

function drawLine(
  grid: Grid,
  from: [number, number],
  to: [number, number],
  dots: { x: number; y: number },
): void {
  const steps = Math.max(Math.abs(to[0] - from[0]), Math.abs(to[1] - from[1]), 1);
  for (let index = 0; index <= steps; index++) {
    const x = Math.round(from[0] + ((to[0] - from[0]) * index) / steps);
    const y = Math.round(from[1] + ((to[1] - from[1]) * index) / steps);
    plot(grid, x, y, dots);
  }
}

function render(grid: Grid, ascii: boolean, markColumn: number | null): string[] {
  return grid.cells.map((row) =>
    row
      .map((bits, column) => {
        if (ascii) return bits !== 0 ? "*" : column === markColumn ? "|" : " ";
        return String.fromCodePoint(0x2800 + bits);
      })
      .join(""),
  );
}

/** `▲ step 32` (or `▲ epoch 3`) under the marked column, or `step 32 ▲` when the text would run past the plot's right edge. */
function pointerLine(column: number, width: number, text: string, ascii: boolean): string {
  const arrow = ascii ? "^" : "▲";
  const fitsRight = column + text.length + 2 <= width;
  const start = fitsRight ? column : Math.max(0, column - text.length - 1);
  return `${" ".repeat(LABEL_WIDTH + start)}${fitsRight ? `${arrow} ${text}` : `${text} ${arrow}`}`;
}

/**
 * A line chart of a run's metric over steps or epochs, drawn with braille dots (2×4 per character) or, with
 * `ascii`, with `*` per character; y labels on the left, and a marker line under the plot pointing at the
 * checkpoint's place. The one chart of ckpt: the TUI's detail view and `ckpt metrics` both draw with it.
 */
export function chartLines(options: ChartOptions): string[] {
  const points = [...options.points].sort((a, b) => a.x - b.x);
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return [];
  const dots = options.ascii ? { x: 1, y: 1 } : { x: 2, y: 4 };
  const width = Math.max(4, options.width - LABEL_WIDTH);
  const grid: Grid = {
    columns: width,
    rows: options.height,
    cells: Array.from({ length: options.height }, () => Array<number>(width).fill(0)),
  };
  const [dotsX, dotsY] = [width * dots.x, options.height * dots.y];
  const values = points.map((point) => point.value);
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const toDot = (point: ChartPoint): [number, number] => [
    scale(point.x, first.x, last.x, dotsX),
    dotsY - 1 - scale(point.value, low, high, dotsY),
  ];
  const marked =
    options.mark === null
      ? null
      : scale(Math.min(Math.max(options.mark, first.x), last.x), first.x, last.x, dotsX);
  if (marked !== null && !options.ascii) for (let y = 0; y < dotsY; y += 2) plot(grid, marked, y, dots);
  points.forEach((point, index) => {
    const previous = points[index - 1];
    drawLine(grid, toDot(previous ?? point), toDot(point), dots);
  });
  const markColumn = marked === null ? null : Math.floor(marked / dots.x);
  const body = render(grid, options.ascii, markColumn).map((line, row) => {
    const gutter =
      row === 0 ? label(high) : row === options.height - 1 ? label(low) : " ".repeat(LABEL_WIDTH - 1);
    return `${gutter} ${line}`;
  });
  const name = options.axis;
  const pointer =
    markColumn === null ? [] : [pointerLine(markColumn, width, `${name} ${options.mark}`, options.ascii)];
  const start = `${name} ${first.x}`;
  const axis = `${" ".repeat(LABEL_WIDTH)}${start}${`${name} ${last.x}`.padStart(Math.max(0, width - start.length))}`;
  return [...body, ...pointer, axis];
}
