import { describe, expect, test } from "bun:test";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { buildCheckpointReport } from "../../../src/core/checkpoint/build-checkpoint-report.ts";
import { CheckpointReport } from "../../../src/core/checkpoint/checkpoint-report.ts";
import { dictGet } from "../../../src/core/formats/pickle/py-value.ts";
import { toPlainJson } from "../../../src/core/formats/pickle/to-plain-json.ts";
import { readTorchZipCheckpoint } from "../../../src/core/formats/torch-checkpoint.ts";
import { truthComparison } from "../../helpers/checkpoint-truth.ts";
import { listRealFixtures } from "../../helpers/real-fixtures.ts";

// Every fixture is read once, from memory, and shared by the tests below.
const fixtures = await Promise.all(
  (await listRealFixtures()).map(async (fixture) => {
    const bytes = new Uint8Array(await Bun.file(fixture.path).arrayBuffer());
    return { ...fixture, bytes, report: buildCheckpointReport(bytesSource(bytes), { path: fixture.name }) };
  }),
);
const loadable = fixtures.filter((f) => !f.name.startsWith("broken/"));

describe("buildCheckpointReport: every real fixture equals its truth file", () => {
  test.each(loadable.map((f) => [f.name, f] as const))("%s", (_name, fixture) => {
    const { actual, expected } = truthComparison(fixture.report, fixture.truth, { strict: true });
    expect(actual).toEqual(expected);
    expect(fixture.report.status).toBe("ok");
    expect(fixture.report.error).toBeNull();
  });

  test.each(fixtures.map((f) => [f.name, f] as const))(
    "%s: the report matches its schema",
    (_name, fixture) => {
      expect(CheckpointReport.safeParse(fixture.report).success).toBe(true);
    },
  );
});

const BROKEN = [
  ["broken/empty.ckpt", "not-a-checkpoint", "empty", /empty/],
  ["broken/not_a_checkpoint.ckpt", "not-a-checkpoint", "text", /text/],
  ["broken/truncated_half.ckpt", "incomplete", "zip-incomplete", /no ZIP end-of-central-directory record/],
  ["broken/corrupt_datapkl.ckpt", "corrupt", "pickle-corrupt", /byte 0xff is not a pickle opcode/],
  ["broken/malicious_reduce.ckpt", "unsafe", "dangerous-globals", /posix\.system/],
] as const;

describe("buildCheckpointReport: broken and hostile fixtures", () => {
  test.each(BROKEN)("%s → %s (%s)", (name, status, code, cause) => {
    const fixture = fixtures.find((f) => f.name === name);
    if (fixture === undefined) throw new Error(`missing fixture ${name}`);
    const { report } = fixture;
    expect({ status: report.status, code: report.error?.code }).toEqual({ status, code });
    expect(report.error?.message).toStartWith(`${name}: `);
    expect(report.error?.message).toMatch(cause);
    const { actual, expected } = truthComparison(report, fixture.truth, { strict: false });
    expect(actual).toEqual(expected);
  });

  test("the malicious pickle is interpreted, its payload named and never run", () => {
    const fixture = fixtures.find((f) => f.name === "broken/malicious_reduce.ckpt");
    const report = fixture?.report;
    expect(report?.safety).toEqual({ status: "unsafe", dangerous: ["posix.system"], unknown: [], notes: [] });
    expect(report?.top_level_keys).toEqual(["epoch", "global_step", "state_dict", "callbacks"]);
    // The REDUCE was recorded as data (the would-be call and its argument), never called.
    const read = readTorchZipCheckpoint(bytesSource(fixture?.bytes ?? new Uint8Array()));
    const value = read.success ? read.data.value : undefined;
    expect(toPlainJson(dictGet(value, "callbacks") ?? null)).toEqual({
      __reduce__: "posix.system",
      args: ["echo pwned"],
    });
  });
});
