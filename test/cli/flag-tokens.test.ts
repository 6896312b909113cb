import { describe, expect, test } from "bun:test";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { type FlagOptions, flagTokens, flagValues } from "../../src/cli/flag-tokens.ts";

// The option tables' shapes the commands use: long and short, string and boolean, repeated, with defaults.
const TABLES: readonly FlagOptions[] = [
  {
    catalog: { type: "string" },
    sort: { type: "string", short: "s" },
    limit: { type: "string", short: "n" },
    json: { type: "boolean", default: false },
    verbose: { type: "boolean", short: "v", default: false },
    help: { type: "boolean", short: "h" },
  },
  {
    root: { type: "string", multiple: true },
    add: { type: "string", multiple: true, short: "a" },
    quiet: { type: "boolean", multiple: true, short: "q" },
    "epoch-seconds": { type: "string", default: "3" },
    help: { type: "boolean", short: "h" },
  },
];

// Pieces argv is made of: options of each table, typos, values that look like options, `--`, and the odd ones.
const PIECES = [
  "--catalog",
  "--catalog=x.db",
  "-s",
  "-s-mtime",
  "-sv",
  "-vs",
  "-vh",
  "-hv",
  "-vn5",
  "-n",
  "-n5",
  "--limit=",
  "--json",
  "--json=1",
  "--jsn",
  "-x",
  "-xyz",
  "-1",
  "--",
  "-",
  "---x",
  "--=",
  "--=x",
  "x",
  "runs/a",
  "-mtime",
  "--root",
  "--root=/r",
  "-a",
  "-aq",
  "-qa",
  "-qqq",
  "--quiet",
  "--add=b",
  "--epoch-seconds",
  "=",
  "--__proto__",
  "-h",
  "--help",
  "",
];

/** A small deterministic generator (mulberry32), so a failure names a case that can be rerun. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function argvs(count: number): string[][] {
  const next = generator(19);
  return Array.from({ length: count }, () =>
    Array.from({ length: Math.floor(next() * 7) }, () => PIECES[Math.floor(next() * PIECES.length)] ?? ""),
  );
}

function nodeParse(args: string[], options: FlagOptions) {
  const parsed = parseArgs({
    args,
    options: options as NonNullable<ParseArgsConfig["options"]>,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  return { tokens: parsed.tokens, values: { ...parsed.values }, positionals: parsed.positionals };
}

describe("flagTokens and flagValues: node:util parseArgs' grammar", () => {
  test("the same tokens, values and positionals as node:util on 4,000 generated argv per table", () => {
    const differences: unknown[] = [];
    for (const [table, options] of TABLES.entries()) {
      for (const args of argvs(4000)) {
        const expected = nodeParse(args, options);
        const tokens = flagTokens(args, options);
        const { values, positionals } = flagValues(tokens, options);
        const actual = { tokens, values: { ...values }, positionals };
        if (!Bun.deepEquals(actual, expected)) differences.push({ table, args, actual, expected });
      }
    }
    expect(differences.slice(0, 3)).toEqual([]);
  });

  test("an option table's own cases, spelled out", () => {
    const options = TABLES[0] ?? {};
    expect(
      flagValues(flagTokens(["-vn5", "runs", "--sort", "-mtime", "--", "--json"], options), options),
    ).toEqual({
      values: { verbose: true, limit: "5", sort: "-mtime", json: false },
      positionals: ["runs", "--json"],
    });
  });
});
