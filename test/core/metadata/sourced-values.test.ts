// "Values are never guessed": every value a sidecar holds names where it came from in ckpt.sources, over every
// real fixture and the HF Trainer run (nulls hold no value; a field's source covers what is nested in it).
import { describe, expect, test } from "bun:test";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { assembleMetadata } from "../../../src/core/metadata/assemble-metadata.ts";
import type { CheckpointMetadataV1 } from "../../../src/core/metadata/metadata-schema.ts";
import { loadRunContext } from "../../../src/io/run-files/run-context.ts";
import { readTruth } from "../../helpers/read-truth.ts";
import { listRealFixtures, realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { reportFromTruth } from "../../helpers/report-from-truth.ts";

// Fixed by the schema, not read from anything.
const CONSTANT = new Set(["schema_version"]);

function leafPaths(value: unknown, prefix: string): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, item]) => leafPaths(item, prefix ? `${prefix}.${key}` : key));
  }
  return [prefix];
}

/** Paths holding a value with no source for them or for a field they are nested in. */
function unsourced(metadata: CheckpointMetadataV1): string[] {
  const { ckpt, ...v1 } = metadata;
  const sources = ckpt?.sources ?? {};
  const covered = (path: string) =>
    path.split(".").some((_, index, parts) => Object.hasOwn(sources, parts.slice(0, index + 1).join(".")));
  return leafPaths(v1, "").filter((path) => !CONSTANT.has(path) && !covered(path));
}

const hfRun = join(realFixtureRoot, "..", "runs", "hf-trainer");
const fixtures = [
  ...(await listRealFixtures()),
  ...(await Promise.all(
    ["checkpoint-4", "checkpoint-8"].map(async (name) => ({
      name: `hf-trainer/trainer_run/${name}`,
      path: join(hfRun, "trainer_run", name),
      truth: await readTruth(join(hfRun, "trainer_run", `${name}.truth.json`)),
    })),
  )),
];

describe("every value a sidecar holds has a source", () => {
  for (const fixture of fixtures) {
    test(fixture.name, () => {
      const checkpoint = realpathSync(fixture.path);
      const result = assembleMetadata({
        report: reportFromTruth(fixture.truth),
        run: loadRunContext({ checkpointPath: checkpoint, scanRoot: realFixtureRoot }),
        paths: { checkpoint, relativeCheckpoint: fixture.name, relativeHydraConfig: null },
        file: { size: 1, mtime: "2026-11-22T00:00:00.000Z" },
        generatorVersion: "0.0.0-test",
      });
      expect(result.metadata === null ? [] : unsourced(result.metadata)).toEqual([]);
    });
  }
});
