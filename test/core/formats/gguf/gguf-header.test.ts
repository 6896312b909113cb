import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource, countingSource } from "../../../../src/core/bytes/byte-source.ts";
import { buildCheckpointReport } from "../../../../src/core/checkpoint/build-checkpoint-report.ts";
import type { ReportErrorCode } from "../../../../src/core/checkpoint/checkpoint-report.ts";
import { checkFileCompleteness } from "../../../../src/core/formats/completeness.ts";
import { readGgufHeader } from "../../../../src/core/formats/gguf/gguf-header.ts";
import { ggufBytes, ggufHeaderBytes } from "../../../helpers/gguf-writer.ts";

const FIXTURE = join(import.meta.dir, "../../../fixtures/real/gguf/tiny-llama-q8_0.gguf");
const real = new Uint8Array(readFileSync(FIXTURE));
const { u32, u64, str } = ggufBytes;

describe("GGUF: the real gguf-py file", () => {
  test("reads the header without the tensor data", () => {
    const source = countingSource(bytesSource(real));
    const header = readGgufHeader(source);
    expect(header.success && header.data.data_offset).toBe(1600);
    expect(header.success && header.data.data_end).toBe(real.length);
    // The first window is 4 KB: the header (1,600 bytes) and no more than one window past it.
    expect(source.bytesRead()).toBeLessThanOrEqual(4096);
  });

  test("the report names architecture, quantization, context length and the step", () => {
    const report = buildCheckpointReport(bytesSource(real), { path: "m.gguf" });
    expect({
      status: report.status,
      framework: report.framework,
      step: report.global_step,
      arch: report.gguf?.["general.architecture"],
      quantization: report.gguf?.quantization,
      context: report.gguf?.context_length,
      types: report.gguf?.tensor_types,
    }).toEqual({
      status: "ok",
      framework: "gguf",
      step: 1200,
      arch: "llama",
      quantization: "MOSTLY_Q8_0",
      context: 128,
      types: { Q8_0: 7, F32: 3 },
    });
  });

  test("every truncation is incomplete, never ok, never a throw", () => {
    const seen = new Set<string>();
    // Every cut inside the header (1,600 bytes) and its first window, then every 61st byte of the tensor data.
    for (let cut = 0; cut < real.length; cut += cut < 4200 ? 1 : 61) {
      const report = buildCheckpointReport(bytesSource(real.subarray(0, cut)), { path: "cut.gguf" });
      seen.add(`${report.status}:${report.error?.code}`);
      expect(report.status === "ok" || report.error?.code === "internal").toBe(false);
      expect(report.error?.message).toStartWith("cut.gguf: ");
      if (cut >= 8)
        expect(checkFileCompleteness(bytesSource(real.subarray(0, cut))).state).toBe("incomplete");
    }
    // 0 bytes: empty; 1–3 (`GGU`): text; then an incomplete header, then missing tensor data.
    expect([...seen].sort()).toEqual([
      "incomplete:gguf-incomplete",
      "not-a-checkpoint:empty",
      "not-a-checkpoint:text",
    ]);
  });
});

const header = (body: number[]) => new Uint8Array([0x47, 0x47, 0x55, 0x46, ...body]);

const HOSTILE: [string, Uint8Array, ReportErrorCode][] = [
  ["2^40 metadata entries", header([...u32(3), ...u64(0), ...u64(2 ** 40)]), "gguf-corrupt"],
  ["a string 2^62 bytes long", header([...u32(3), ...u64(0), ...u64(1), ...u64(2n ** 62n)]), "gguf-corrupt"],
  [
    "an array of 2^50 strings",
    header([...u32(3), ...u64(0), ...u64(1), ...str("v"), ...u32(9), ...u32(8), ...u64(2 ** 50)]),
    "gguf-incomplete",
  ],
  [
    "an array of 2^50 u32",
    header([...u32(3), ...u64(0), ...u64(1), ...str("v"), ...u32(9), ...u32(4), ...u64(2 ** 50)]),
    "gguf-incomplete",
  ],
  [
    "an unknown value type",
    header([...u32(3), ...u64(0), ...u64(1), ...str("k"), ...u32(77)]),
    "gguf-corrupt",
  ],
  ["big-endian version bytes", header([0, 0, 0, 3, ...u64(0), ...u64(0)]), "gguf-unsupported"],
  ["version 9", header([...u32(9), ...u64(0), ...u64(0)]), "gguf-unsupported"],
];

describe("GGUF: hostile headers end in an error, allocating and looping nothing", () => {
  test.each(HOSTILE)("%s", (_name, bytes, code) => {
    expect(buildCheckpointReport(bytesSource(bytes), { path: "h.gguf" }).error?.code).toBe(code);
  });

  test("a tensor with 9 dimensions or alignment 3 is corrupt", () => {
    const dims = ggufHeaderBytes({
      kv: [],
      tensors: [{ name: "t", shape: [1, 1, 1, 1, 1, 1, 1, 1, 1], type: 0, offset: 0 }],
    });
    const align = ggufHeaderBytes({ kv: [{ key: "general.alignment", u32: 3 }], tensors: [] });
    for (const bytes of [dims, align])
      expect(buildCheckpointReport(bytesSource(bytes)).error?.code).toBe("gguf-corrupt");
  });

  test("an unknown tensor type is named by number and the data end is left unknown", () => {
    const bytes = ggufHeaderBytes({ kv: [], tensors: [{ name: "t", shape: [4], type: 200, offset: 0 }] });
    const report = buildCheckpointReport(bytesSource(bytes));
    expect(report.gguf?.tensors[0]?.type).toBe("type_200");
    expect(report.warnings?.[0]).toMatch(/data end is unknown/);
    expect(checkFileCompleteness(bytesSource(bytes)).state).toBe("unknown");
  });

  test("a key named __proto__ is a plain key", () => {
    const bytes = ggufHeaderBytes({ kv: [{ key: "__proto__", text: "x" }], tensors: [] });
    const report = buildCheckpointReport(bytesSource(bytes));
    expect(Object.keys(report.gguf?.kv ?? {})).toEqual(["__proto__"]);
  });

  test("a 100k-entry vocabulary is walked, only its first five kept", () => {
    const strings = Array.from({ length: 100_000 }, (_, index) => `tok${index}`);
    const bytes = ggufHeaderBytes({ kv: [{ key: "tokenizer.ggml.tokens", strings }], tensors: [] });
    const kv = buildCheckpointReport(bytesSource(bytes)).gguf?.kv["tokenizer.ggml.tokens"];
    expect(kv).toEqual({ type: ["ARRAY", "STRING"], count: 100_000, first: strings.slice(0, 5) });
  });
});
