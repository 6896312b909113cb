import { describe, expect, test } from "bun:test";
import { shellQuote, shellWord } from "../../../src/core/text/shell-quote.ts";

describe("shellQuote and shellWord", () => {
  const cases: [string, string, string][] = [
    ["/data/runs/catalog.db", "'/data/runs/catalog.db'", "/data/runs/catalog.db"],
    ["my runs/catalog.db", "'my runs/catalog.db'", "'my runs/catalog.db'"],
    ["it's", "'it'\\''s'", "'it'\\''s'"],
    ["$(rm -rf ~)", "'$(rm -rf ~)'", "'$(rm -rf ~)'"],
  ];
  for (const [text, quoted, word] of cases) {
    test(text, () => expect([shellQuote(text), shellWord(text)]).toEqual([quoted, word]));
  }
});
