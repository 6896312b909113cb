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
  ["a million metadata entries", header([...u32(3), ...u64(0), ...u64(1_000_000)]), "gguf-too-large"],
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

describe("GGUF written with other settings", () => {
  const f64 = (value: number) => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    return [...bytes];
  };
  const kv = [
    { key: "general.architecture", text: "qwen2" },
    { key: "general.alignment", u32: 64 },
    { key: "qwen2.context_length", raw: [...u32(10), ...u64(32768)] },
    { key: "general.file_type", u32: 15 },
    { key: "x.i64", raw: [...u32(11), ...u64(2n ** 64n - 5n)] },
    { key: "x.f64", raw: [...u32(12), ...f64(0.5)] },
    { key: "x.bool", raw: [...u32(7), 1] },
    {
      key: "x.nested",
      raw: [...u32(9), ...u32(9), ...u64(2), ...u32(4), ...u64(1), ...u32(7), ...u32(5), ...u64(0)],
    },
  ];
  const tensors = [
    { name: "a", shape: [256, 2], type: 12, offset: 0 }, // Q4_K: 2 blocks of 144 bytes
    { name: "b", shape: [3], type: 0, offset: 320 },
  ];

  test("v2, alignment 64, u64/i64/f64/bool/nested-array values, K-quants", () => {
    const header = ggufHeaderBytes({ kv, tensors });
    header.set(u32(2), 4); // v2 has v3's layout (v3 only added big-endian files)
    const dataOffset = Math.ceil(header.length / 64) * 64; // the writer pads to 32; the reader aligns to 64
    const bytes = new Uint8Array(dataOffset + 320 + 12);
    bytes.set(header);
    const report = buildCheckpointReport(bytesSource(bytes), { path: "q.gguf" });
    expect(report.status).toBe("ok");
    const gguf = report.gguf;
    expect([gguf?.version, gguf?.alignment, (gguf?.data_offset ?? 1) % 64]).toEqual([2, 64, 0]);
    expect([gguf?.context_length, gguf?.quantization]).toEqual([32768, "MOSTLY_Q4_K_M"]);
    expect(gguf?.kv["x.i64"]?.value).toBe(-5);
    expect([gguf?.kv["x.f64"]?.value, gguf?.kv["x.bool"]?.value]).toEqual([0.5, true]);
    expect(gguf?.kv["x.nested"]).toEqual({ type: ["ARRAY", "ARRAY"], count: 2, first: [1, 0] });
    expect(gguf?.tensors.map((t) => [t.type, t.n_bytes, t.data_offset - (gguf?.data_offset ?? 0)])).toEqual([
      ["Q4_K", 288, 0],
      ["F32", 12, 320],
    ]);
  });
});
