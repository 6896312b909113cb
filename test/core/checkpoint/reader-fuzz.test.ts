import { describe, expect, test } from "bun:test";
import { cpuMilliseconds } from "../../helpers/cpu-clock.ts";
import { makeReaderFuzzCase, runReaderFuzzCase } from "../../helpers/reader-fuzz.ts";
import { listRealFixtures } from "../../helpers/real-fixtures.ts";

const CASES = 400;
const SEED = 20261122;
/**
 * A blow-up detector, not a speed check (that is bench/'s): a case takes about a millisecond, and one that runs
 * away takes seconds. The process's CPU clock also counts GC and JIT threads, so on a loaded machine a case that
 * did nothing wrong can read tens of milliseconds.
 */
const RUNAWAY_CPU_MS = 1000;
// Files under 1 MB keep the copies cheap; they cover zip (Lightning, timm, plain), legacy and safetensors.
const seeds = await Promise.all(
  (await listRealFixtures())
    .filter((f) => (f.truth["size_bytes"] as number) < 1_000_000 && (f.truth["size_bytes"] as number) > 0)
    .map(async (f) => ({ name: f.name, bytes: new Uint8Array(await Bun.file(f.path).arrayBuffer()) })),
);

describe("checkpoint reader fuzz (seeded, bounded; long runs: scripts/fuzz-reader.ts)", () => {
  test(`${CASES} mutated and truncated fixtures: no throw, no internal error, none runs away`, () => {
    const findings: string[] = [];
    const statuses = new Set<string>();
    for (let index = 0; index < CASES; index++) {
      const fuzzCase = makeReaderFuzzCase(seeds, SEED, index);
      const outcome = runReaderFuzzCase(fuzzCase.bytes, cpuMilliseconds);
      statuses.add(outcome.status);
      if (outcome.threw !== undefined || outcome.code === "internal" || outcome.ms > RUNAWAY_CPU_MS)
        findings.push(
          `${index} ${fuzzCase.kind} ${fuzzCase.seedName}: ${outcome.threw ?? outcome.code} ${outcome.ms.toFixed(1)} ms`,
        );
    }
    expect(findings).toEqual([]);
    expect([...statuses].sort()).toEqual(expect.arrayContaining(["corrupt", "incomplete", "ok"]));
  }, 60_000);
});
