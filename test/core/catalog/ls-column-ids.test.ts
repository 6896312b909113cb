import { describe, expect, test } from "bun:test";
import { resolveLsColumnIds } from "../../../src/core/catalog/ls-column-ids.ts";
import type { Result } from "../../../src/core/result.ts";
import type { UnknownName } from "../../../src/core/suggestions/nearest-names.ts";

describe("resolveLsColumnIds", () => {
  const logged = ["metrics/mAP50-95(B)", "lr-AdamW"];
  const cases: [string, Result<string[], UnknownName>][] = [
    ["path,display,hmean", { success: true, data: ["path", "display", "hmean"] }],
    [" Path , EPOCH ,metric", { success: true, data: ["path", "epoch", "metric"] }],
    ["experiment,val/hmean,val_loss", { success: true, data: ["experiment", "hmean", "validation_loss"] }],
    ["metrics/mAP50-95(B),lr-adamw", { success: true, data: ["mAP50-95", "lr-AdamW"] }],
    ["path,foo", { success: false, error: { typed: "foo", suggestions: [] } }],
    ["arch,path", { success: false, error: { typed: "arch", suggestions: ["architecture"] } }],
    ["experiment,hmaen", { success: false, error: { typed: "hmaen", suggestions: ["hmean"] } }],
    ["experimnt", { success: false, error: { typed: "experimnt", suggestions: ["experiment"] } }],
    [",", { success: false, error: { typed: ",", suggestions: [] } }],
  ];
  for (const [text, expected] of cases) {
    test(text, () => expect(resolveLsColumnIds(text, logged)).toEqual(expected));
  }
});
