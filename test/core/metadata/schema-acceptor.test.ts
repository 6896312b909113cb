import { describe, expect, test } from "bun:test";
import { realpathSync } from "node:fs";
import { z } from "zod";
import { CheckpointMetadataV1 } from "../../../src/core/metadata/metadata-schema.ts";
import { ReportFacts } from "../../../src/core/metadata/report-facts.ts";
import { schemaAcceptor } from "../../../src/core/metadata/schema-acceptor.ts";
import { buildCheckpointMetadata } from "../../../src/io/checkpoint/checkpoint-metadata-pipeline.ts";
import { listRealFixtures, realFixtureRoot } from "../../helpers/real-fixtures.ts";

const acceptsMetadata = schemaAcceptor(CheckpointMetadataV1);
const acceptsFacts = schemaAcceptor(ReportFacts);
const fixtures = await listRealFixtures();
const built = fixtures.map((fixture) => ({
  name: fixture.name,
  ...buildCheckpointMetadata(realpathSync(fixture.path), { scanRoot: realFixtureRoot, now: () => 0 }),
}));
const assembled = built.flatMap(({ name, metadata }) => (metadata === null ? [] : [{ name, metadata }]));

/** Deep copy with `value` put at `path`. */
function withValue(input: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(input) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1] as string | number] = value;
  return copy;
}

describe("schemaAcceptor: accepts ckpt's own values without zod, never what zod rejects", () => {
  test("every real fixture's assembled metadata and reader report is accepted, as zod accepts it", () => {
    expect(assembled.length).toBeGreaterThan(20);
    for (const { metadata } of assembled) {
      expect(CheckpointMetadataV1.safeParse(metadata).success).toBe(true);
      expect(acceptsMetadata(metadata)).toBe(true);
    }
    for (const { report } of built) {
      expect(acceptsFacts(report)).toBe(true);
      // The report stands for its facts: zod's copy holds the same values.
      expect(ReportFacts.parse(report)).toEqual(report as ReportFacts);
    }
  });

  const metadata = assembled.find(({ name }) => name.startsWith("lightning"))?.metadata;
  const rejected: [string, readonly (string | number)[], unknown][] = [
    ["a timestamp that is not ISO 8601", ["created_at"], "yesterday"],
    ["epoch below −1", ["training", "epoch"], -2],
    ["a fractional step", ["training", "global_step"], 1.5],
    ["an unknown phase", ["training", "training_phase"], "testing"],
    ["a ratio above 1", ["metrics", "hmean"], 1.5],
    ["NaN as a metric", ["metrics", "validation_loss"], Number.NaN],
    ["Infinity in additional metrics", ["metrics", "additional_metrics", "x"], Number.POSITIVE_INFINITY],
    ["a missing required field", ["exp_name"], undefined],
    ["a string where a number belongs", ["checkpointing", "save_top_k"], "3"],
    ["an array where an object belongs", ["model", "encoder"], []],
    ["an unsupported schema version", ["schema_version"], "2.0"],
    ["a non-string in a string array", ["model", "decoder", "in_channels"], [1, "2"]],
  ];
  for (const [what, path, value] of rejected) {
    test(`rejects ${what}, as zod does`, () => {
      const changed = withValue(metadata, path, value);
      expect(CheckpointMetadataV1.safeParse(changed).success).toBe(false);
      expect(acceptsMetadata(changed)).toBe(false);
    });
  }

  test("unsure (false) of an unknown key, which zod's strip mode would drop from its copy", () => {
    const changed = withValue(metadata, ["extra"], 1);
    expect(CheckpointMetadataV1.safeParse(changed).success).toBe(true);
    expect(acceptsMetadata(changed)).toBe(false);
  });

  test("a report field of the wrong type is left to zod (which drops it)", () => {
    const report = built.find(({ name }) => name.startsWith("lightning"))?.report;
    const odd = withValue(report, ["epoch"], "three");
    expect(acceptsFacts(odd)).toBe(false);
    expect(ReportFacts.parse(odd).epoch).toBeUndefined();
  });

  test("schema kinds it does not know (transforms, refinements) are always left to zod", () => {
    const refined = schemaAcceptor(z.object({ a: z.string().refine((value) => value.length > 2) }));
    const transformed = schemaAcceptor(z.object({ a: z.string().transform((value) => value.length) }));
    expect([refined({ a: "abcd" }), transformed({ a: "abcd" })]).toEqual([false, false]);
  });
});
