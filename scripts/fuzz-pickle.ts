// Long fuzz run of the pickle interpreter: `bun scripts/fuzz-pickle.ts --cases 100000 --seed 7`.
// Seeds are the real fixtures' data.pkl; prints outcome counts, exceptions (must be none) and the slowest case.
import { parseArgs } from "node:util";
import { makeFuzzCase, runFuzzCase } from "../test/helpers/pickle-fuzz.ts";
import { listRealFixtures } from "../test/helpers/real-fixtures.ts";
import { readZipMembersWithPython } from "../test/helpers/zip-members-oracle.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { cases: { type: "string", default: "10000" }, seed: { type: "string", default: "1" } },
});
const cases = Number(values.cases);
const seed = Number(values.seed);

const fixtures = (await listRealFixtures()).filter(
  (f) =>
    f.truth["container"] === "zip" && ((f.truth["pickle_globals"] as string[] | undefined) ?? []).length > 0,
);
const oracle = readZipMembersWithPython(fixtures.map((f) => f.path));
const seeds = fixtures.map((f) => oracle.dataPkl(f.path));

const counts = new Map<string, number>();
const threw: string[] = [];
let slowest = { ms: 0, index: -1, kind: "", length: 0 };
const started = performance.now();
for (let index = 0; index < cases; index++) {
  const fuzzCase = makeFuzzCase(seeds, seed, index);
  const outcome = runFuzzCase(fuzzCase.bytes, () => performance.now());
  const key = outcome.threw ? "THREW" : outcome.ok ? "ok" : `error:${outcome.errorCode}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  if (outcome.threw) threw.push(`case ${index} (${fuzzCase.kind}): ${outcome.threw}`);
  if (outcome.ms > slowest.ms)
    slowest = { ms: outcome.ms, index, kind: fuzzCase.kind, length: fuzzCase.bytes.length };
}
console.log(
  `cases ${cases}, seed ${seed}, ${seeds.length} seed pickles, ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
for (const [key, count] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${key}: ${count}`);
console.log(
  `slowest: case ${slowest.index} (${slowest.kind}, ${slowest.length} bytes) ${slowest.ms.toFixed(2)} ms` +
    ` — reproduce with makeFuzzCase(seeds, ${seed}, ${slowest.index})`,
);
for (const line of threw.slice(0, 20)) console.log(`THREW ${line}`);
process.exitCode = threw.length > 0 ? 1 : 0;
