import { expect, test } from "bun:test";
import { renderMetadata } from "../../../src/core/metadata/render-metadata.ts";
import { sampleMetadata } from "../../helpers/catalog-tree.ts";

test("ckpt show marks a value only the schema asked for (source default) with * and says why", () => {
  const metadata = sampleMetadata("a.pt", { exp: "e", epoch: 5, step: 0, framework: "plain-torch" });
  if (!metadata.ckpt) throw new Error("sample metadata has a ckpt block");
  const sources = { "training.epoch": "checkpoint:epoch", "training.global_step": "default" };
  const text = renderMetadata(
    { ...metadata, ckpt: { ...metadata.ckpt, sources } },
    { path: "a.pt", origin: { kind: "assembled" } },
  );
  const training = text.split("\n").filter((line) => /^ {2}(epoch|global_step) /.test(line));
  expect(training.map((line) => line.trim().split(/\s{2,}/))).toEqual([
    ["epoch", "5", "← checkpoint:epoch"],
    ["global_step", "0 *", "← default: nothing recorded it, the schema needs a value"],
  ]);
});
