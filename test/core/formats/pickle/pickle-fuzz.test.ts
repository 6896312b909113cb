import { expect, setDefaultTimeout, test } from "bun:test";
import { cpuMilliseconds } from "../../../helpers/cpu-clock.ts";
import { makeFuzzCase, runFuzzCase } from "../../../helpers/pickle-fuzz.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../../helpers/process-budget.ts";
import { listRealFixtures } from "../../../helpers/real-fixtures.ts";
import { readZipMembersWithPython } from "../../../helpers/zip-members-oracle.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const seedNames = [
  "broken/malicious_reduce.ckpt",
  "torch/tutorial_checkpoint.pt",
  "torch/tiny_cnn_full_model.pt",
  "timm/output/train/20261122-145342-test_efficientnet-32/last.pth.tar",
  "lightning/outputs/dbnet_r18_dev_cleval/2026-11-22/14-52-56/checkpoints/last.ckpt",
];

test("2,000 mutated, truncated and random pickles: never a throw, never a runaway", async () => {
  const fixtures = await listRealFixtures();
  const paths = seedNames.map((name) => {
    const fixture = fixtures.find((f) => f.name === name);
    if (!fixture) throw new Error(`fixture ${name} missing`);
    return fixture.path;
  });
  const oracle = readZipMembersWithPython(paths);
  const seeds = paths.map((path) => oracle.dataPkl(path));
  const threw: string[] = [];
  let slowest = { ms: 0, index: -1 };
  let ok = 0;
  for (let index = 0; index < 2000; index++) {
    const fuzzCase = makeFuzzCase(seeds, 20261122, index);
    const outcome = runFuzzCase(fuzzCase.bytes, cpuMilliseconds);
    if (outcome.threw) threw.push(`case ${index} (${fuzzCase.kind}): ${outcome.threw}`);
    if (outcome.ok) ok += 1;
    if (outcome.ms > slowest.ms) slowest = { ms: outcome.ms, index };
  }
  expect(threw).toEqual([]);
  expect(ok).toBeGreaterThan(0);
  // A blow-up detector, not a speed check (bench/ measures speed): a case takes a few ms, a runaway seconds; the
  // process CPU clock also counts GC and JIT threads, which a loaded machine inflates.
  expect({ slowestCase: slowest.index, runaway: slowest.ms >= 1000 }).toEqual({
    slowestCase: slowest.index,
    runaway: false,
  });
}, 60_000);
