import { expect, test } from "bun:test";
import { CsvRowStream, splitCsvRows } from "../../../src/core/runs/csv-rows.ts";

const cases: [string, string, ReturnType<typeof splitCsvRows>][] = [
  [
    "plain LF",
    "a,b\n1,2\n",
    {
      rows: [
        { cells: ["a", "b"], line: 1 },
        { cells: ["1", "2"], line: 2 },
      ],
      droppedPartialTail: false,
    },
  ],
  [
    "CRLF",
    "a,b\r\n1,\r\n",
    {
      rows: [
        { cells: ["a", "b"], line: 1 },
        { cells: ["1", ""], line: 2 },
      ],
      droppedPartialTail: false,
    },
  ],
  [
    "quotes, escaped quotes and a line break inside quotes",
    'a,"b ""x"", c"\n"multi\nline",2\n3,4\n',
    {
      rows: [
        { cells: ["a", 'b "x", c'], line: 1 },
        { cells: ["multi\nline", "2"], line: 2 },
        { cells: ["3", "4"], line: 4 },
      ],
      droppedPartialTail: false,
    },
  ],
  [
    "partial last line dropped",
    "a,b\n1,2\n3,",
    {
      rows: [
        { cells: ["a", "b"], line: 1 },
        { cells: ["1", "2"], line: 2 },
      ],
      droppedPartialTail: true,
    },
  ],
  ["unterminated quote dropped", 'a\n"x\n', { rows: [{ cells: ["a"], line: 1 }], droppedPartialTail: true }],
  [
    "blank lines skipped",
    "a\n\n1\n",
    {
      rows: [
        { cells: ["a"], line: 1 },
        { cells: ["1"], line: 3 },
      ],
      droppedPartialTail: false,
    },
  ],
  ["empty", "", { rows: [], droppedPartialTail: false }],
];

test.each(cases)("%s", (_name, text, expected) => {
  expect(splitCsvRows(text)).toEqual(expected);
});

test.each(cases)(
  "%s: the same rows whichever byte the text is cut at (CsvRowStream)",
  (_name, text, expected) => {
    for (let cut = 0; cut <= text.length; cut++) {
      for (const size of [1, 3, text.length]) {
        const stream = new CsvRowStream();
        const rows = [stream.push(text.slice(0, cut))];
        for (let at = cut; at < text.length; at += size) rows.push(stream.push(text.slice(at, at + size)));
        expect({ rows: rows.flat(), droppedPartialTail: stream.hasPartialTail }).toEqual(expected);
      }
    }
  },
);
