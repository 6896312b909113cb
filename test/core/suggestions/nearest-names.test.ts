import { describe, expect, test } from "bun:test";
import { didYouMean, editDistance, nearestNames } from "../../../src/core/suggestions/nearest-names.ts";

describe("editDistance", () => {
  const cases: [string, string, number][] = [
    ["hmean", "hmean", 0],
    ["hmaen", "hmean", 1],
    ["sortt", "sort", 1],
    ["lss", "ls", 1],
    ["", "abc", 3],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
    ["ca", "abc", 3],
    ["mAP50", "map50", 2],
    ["map50_95", "map50-95", 1],
  ];
  for (const [from, to, expected] of cases) {
    test(`${from} → ${to}`, () => expect(editDistance(from, to)).toBe(expected));
  }
});

describe("nearestNames", () => {
  const commands = [
    "ls",
    "best",
    "stats",
    "status",
    "stop",
    "scan",
    "show",
    "watch",
    "tui",
    "info",
    "inspect",
  ];
  const cases: [string, readonly string[], string[]][] = [
    ["lss", commands, ["ls"]],
    ["stat", commands, ["stats", "status"]],
    ["statsu", commands, ["stats", "status"]],
    ["bets", commands, ["best"]],
    ["wacth", commands, ["watch"]],
    ["LS", commands, ["ls"]],
    ["xyz", commands, []],
    ["ins", commands, ["inspect"]],
    ["hmaen", ["hmean", "precision", "recall"], ["hmean"]],
    ["arch", ["architecture", "age", "path"], ["architecture"]],
    ["foo", ["architecture", "age", "path"], []],
    ["--sortt", ["--sort", "--limit", "--stats"], ["--sort"]],
    ["a", ["ab", "ac", "ad", "ae"], ["ab", "ac", "ad"]],
  ];
  for (const [typed, candidates, expected] of cases) {
    test(`${typed} among ${candidates.length}`, () =>
      expect(nearestNames(typed, candidates)).toEqual(expected));
  }
  test("limit", () => expect(nearestNames("a", ["ab", "ac", "ad"], { limit: 1 })).toEqual(["ab"]));
});

describe("didYouMean", () => {
  const cases: [string[], string][] = [
    [[], ""],
    [["ls"], "Did you mean 'ls'?"],
    [["stats", "status"], "Did you mean 'stats' or 'status'?"],
    [["a", "b", "c"], "Did you mean 'a', 'b' or 'c'?"],
  ];
  for (const [names, expected] of cases) {
    test(names.join(","), () => expect(didYouMean(names)).toBe(expected));
  }
});
