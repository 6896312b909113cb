// Long fuzz run of the checkpoint reader: `bun scripts/fuzz-reader.ts --cases 100000 --seed 7`.
// Seeds are the real fixture files; prints status counts, exceptions/internal errors (must be none) and the slowest case.
import { parseArgs } from "node:util";
import { makeReaderFuzzCase, runReaderFuzzCase } from "../test/helpers/reader-fuzz.ts";
import { listRealFixtures } from "../test/helpers/real-fixtures.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { cases: { type: "string", default: "10000" }, seed: { type: "string", default: "1" } },
});
const cases = Number(values.cases);
const seed = Number(values.seed);
const seeds = await Promise.all(
  (await listRealFixtures())
    .filter((f) => (f.truth["size_bytes"] as number) > 0)
    .map(async (f) => ({ name: f.name, bytes: new Uint8Array(await Bun.file(f.path).arrayBuffer()) })),
);

const counts = new Map<string, number>();
const findings: string[] = [];
let slowest = { ms: 0, index: -1, kind: "", seedName: "" };
const started = performance.now();
for (let index = 0; index < cases; index++) {
  const fuzzCase = makeReaderFuzzCase(seeds, seed, index);
  const outcome = runReaderFuzzCase(fuzzCase.bytes, () => performance.now());
  const key = `${outcome.status}${outcome.code ? `:${outcome.code}` : ""}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  if (outcome.threw !== undefined || outcome.code === "internal")
    findings.push(
      `case ${index} (${fuzzCase.kind}, ${fuzzCase.seedName}): ${outcome.threw ?? "internal error"}`,
    );
  if (outcome.ms > slowest.ms)
    slowest = { ms: outcome.ms, index, kind: fuzzCase.kind, seedName: fuzzCase.seedName };
}
console.log(
  `cases ${cases}, seed ${seed}, ${seeds.length} seed files, ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
for (const [key, count] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${key}: ${count}`);
console.log(
  `slowest: case ${slowest.index} (${slowest.kind}, ${slowest.seedName}) ${slowest.ms.toFixed(2)} ms` +
    ` — reproduce with makeReaderFuzzCase(seeds, ${seed}, ${slowest.index})`,
);
for (const line of findings.slice(0, 20)) console.log(`FINDING ${line}`);
process.exitCode = findings.length > 0 ? 1 : 0;
