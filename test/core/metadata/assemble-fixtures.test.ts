import { describe, expect, test } from "bun:test";
import { realpathSync } from "node:fs";
import { assembleMetadata } from "../../../src/core/metadata/assemble-metadata.ts";
import { validateMetadata } from "../../../src/core/metadata/validate-metadata.ts";
import { loadRunContext } from "../../../src/io/run-files/run-context.ts";
import { EXPECTED_METADATA, metadataSummary } from "../../helpers/expected-metadata.ts";
import { listRealFixtures, realFixtureRoot } from "../../helpers/real-fixtures.ts";
import { reportFromTruth } from "../../helpers/report-from-truth.ts";

const fixtures = await listRealFixtures();

describe("assembleMetadata over every real fixture (truth-file facts + the run's own files)", () => {
  test("the table names every fixture", () => {
    expect(EXPECTED_METADATA.map(([name]) => name)).toEqual(fixtures.map((fixture) => fixture.name));
  });

  for (const [name, expected] of EXPECTED_METADATA) {
    test(name, () => {
      const fixture = fixtures.find((candidate) => candidate.name === name);
      if (!fixture) throw new Error(`missing fixture ${name}`);
      const checkpoint = realpathSync(fixture.path);
      const run = loadRunContext({ checkpointPath: checkpoint, scanRoot: realFixtureRoot });
      const result = assembleMetadata({
        report: reportFromTruth(fixture.truth),
        run,
        paths: { checkpoint, relativeCheckpoint: name, relativeHydraConfig: null },
        file: { size: 1, mtime: "2026-11-22T00:00:00.000Z" },
        generatorVersion: "0.0.0-test",
      });
      expect(result.metadata === null ? null : metadataSummary(result.metadata)).toEqual(expected);
      if (result.metadata) expect(validateMetadata(result.metadata).valid).toBe(true);
    });
  }
});
