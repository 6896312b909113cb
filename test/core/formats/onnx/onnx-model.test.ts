import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource, countingSource } from "../../../../src/core/bytes/byte-source.ts";
import { buildCheckpointReport } from "../../../../src/core/checkpoint/build-checkpoint-report.ts";
import { readOnnxModel } from "../../../../src/core/formats/onnx/onnx-model.ts";
import { readVarint } from "../../../../src/core/runs/protobuf-wire.ts";

const FIXTURE = join(import.meta.dir, "../../../fixtures/real/onnx/mlp-opset13.onnx");
const real = new Uint8Array(readFileSync(FIXTURE));

/** Offsets where each top-level field of a ModelProto ends, and the field number that ends there. */
function topLevelEnds(bytes: Uint8Array): { end: number; field: number }[] {
  const ends: { end: number; field: number }[] = [];
  let at = 0;
  while (at < bytes.length) {
    const key = readVarint(bytes, at);
    if (key === undefined) throw new Error("bad key");
    const value = readVarint(bytes, key.next);
    if (value === undefined) throw new Error("bad value");
    at = (key.value & 7n) === 2n ? value.next + Number(value.value) : value.next;
    ends.push({ end: at, field: Number(key.value >> 3n) });
  }
  return ends;
}

/** A field: key varint then a length-delimited body. */
function field(number: number, body: number[]): number[] {
  return [(number << 3) | 2, body.length, ...body];
}

describe("ONNX: the real torch.onnx.export file", () => {
  test("a 2 MB initializer payload is skipped by its length, never read", () => {
    // graph { initializer { dims: 524288, data_type: FLOAT, name: "w", raw_data: <2 MB> } }
    const payload = 2 * 1024 * 1024;
    const tensorHead = [0x08, 0x80, 0x80, 0x20, 0x10, 0x01, 0x42, 0x01, 0x77, 0x4a, 0x80, 0x80, 0x80, 0x01];
    const initializer = [0x2a, ...varint(tensorHead.length + payload), ...tensorHead];
    const graph = [0x3a, ...varint(initializer.length + payload), ...initializer];
    const model = new Uint8Array(3 + graph.length + payload + 4);
    model.set([0x08, 0x08], 0);
    model.set(graph, 2);
    model.set([0x42, 0x02, 0x10, 0x11], 2 + graph.length + payload);
    const source = countingSource(bytesSource(model.subarray(0, model.length - 1)));
    const read = readOnnxModel(source);
    expect(read.success && read.data.initializers).toEqual([
      { name: "w", dims: [524288], data_type: "FLOAT" },
    ]);
    expect(read.success && read.data.opset_import).toEqual([{ domain: "", version: 17 }]);
    expect(source.bytesRead()).toBeLessThan(6000);
  });

  test("a cut inside a field is incomplete; a cut between fields is ok only once the required fields are in", () => {
    const ends = topLevelEnds(real);
    const opsetEnd = ends.find((end) => end.field === 8)?.end ?? real.length;
    const okCuts = new Set(ends.filter((end) => end.end >= opsetEnd).map((end) => end.end));
    for (let cut = 1; cut < real.length; cut++) {
      const report = buildCheckpointReport(bytesSource(real.subarray(0, cut)), { path: "cut.onnx" });
      if (okCuts.has(cut)) expect(report.status).toBe("ok");
      else expect([report.status, report.error?.code]).not.toContain("ok");
      expect(report.error?.code).not.toBe("internal");
    }
  });

  test("a wrong wire type for a ModelProto field is corrupt", () => {
    // ir_version, producer_name "a", then model_version (a varint) written length-delimited.
    const bytes = new Uint8Array([0x08, 0x07, ...field(2, [0x61]), ...field(5, [1])]);
    const report = buildCheckpointReport(bytesSource(bytes), { path: "w.onnx" });
    expect([report.status, report.error?.code]).toEqual(["corrupt", "onnx-corrupt"]);
    expect(report.error?.message).toMatch(/^w\.onnx: ONNX: ModelProto field 5 has the wrong wire type/);
  });

  test("a graph claiming more bytes than the file has is incomplete", () => {
    const bytes = new Uint8Array([0x08, 0x07, 0x3a, 0xff, 0xff, 0xff, 0x7f, 0x0a]);
    expect(buildCheckpointReport(bytesSource(bytes)).error?.code).toBe("onnx-incomplete");
  });

  test("a node field inside the graph running past the graph's end is corrupt", () => {
    const bytes = new Uint8Array([0x08, 0x07, ...field(7, [0x0a, 0x05, 0x01]), 0x42, 0x02, 0x10, 0x0d]);
    expect(buildCheckpointReport(bytesSource(bytes)).error?.code).toBe("onnx-corrupt");
  });
});

describe("ONNX written with other settings", () => {
  const text = (value: string) => [...new TextEncoder().encode(value)];
  test("symbolic batch dim, two opset domains, packed dims, an external-data initializer", () => {
    const dim = (inner: number[]) => field(1, inner);
    // ValueInfo "input": tensor_type { elem_type: FLOAT16, shape { dim { dim_param: "batch" } dim { dim_value: 3 } } }
    const shape = [...dim(field(2, text("batch"))), ...dim([0x08, 3])];
    const input = field(11, [
      ...field(1, text("input")),
      ...field(2, field(1, [0x08, 10, ...field(2, shape)])),
    ]);
    // TensorProto with packed dims [2, 3], data_type INT64, name "w", data_location EXTERNAL (14 = 1) and no raw_data.
    const initializer = field(5, [...field(1, [2, 3]), 0x10, 7, ...field(8, text("w")), 0x70, 1]);
    const graph = field(7, [...field(2, text("g")), ...initializer, ...input]);
    const opsets = [...field(8, [0x10, 18]), ...field(8, [...field(1, text("ai.onnx.ml")), 0x10, 3])];
    const bytes = new Uint8Array([0x08, 0x09, ...field(2, text("skl2onnx")), 0x28, 4, ...graph, ...opsets]);
    const report = buildCheckpointReport(bytesSource(bytes), { path: "v.onnx" });
    expect(report.status).toBe("ok");
    expect(report.onnx).toMatchObject({
      ir_version: 9,
      producer_name: "skl2onnx",
      model_version: 4,
      opset_import: [
        { domain: "", version: 18 },
        { domain: "ai.onnx.ml", version: 3 },
      ],
      graph_name: "g",
      inputs: [{ name: "input", elem_type: "FLOAT16", shape: ["batch", 3] }],
      initializers: [{ name: "w", dims: [2, 3], data_type: "INT64" }],
    });
    expect(report.global_step).toBeUndefined();
  });
});

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

test("a TensorFlow saved_model.pb (field 1 = 1, then meta_graphs) is not taken for ONNX", () => {
  const savedModel = new Uint8Array([0x08, 0x01, 0x12, 0x03, 0x0a, 0x01, 0x61]);
  expect(buildCheckpointReport(bytesSource(savedModel)).error?.code).toBe("unknown-format");
});

test("a Constant node with a 1 MB tensor attribute is counted with its op_type, the tensor skipped", () => {
  const payload = 1024 * 1024;
  // NodeProto { output: "c", attribute (5) { <payload bytes> }, op_type: "Constant" } — op_type after the payload.
  const attributeHead = [0x2a, ...varint(payload)];
  const tail = [...field(4, [...new TextEncoder().encode("Constant")])];
  const nodeLength = 3 + attributeHead.length + payload + tail.length;
  const graphLength = 1 + varint(nodeLength).length + nodeLength;
  const head = [
    0x08,
    0x08,
    0x3a,
    ...varint(graphLength),
    0x0a,
    ...varint(nodeLength),
    0x12,
    0x01,
    0x63,
    ...attributeHead,
  ];
  const bytes = new Uint8Array(head.length + payload + tail.length + 4);
  bytes.set(head);
  bytes.set(tail, head.length + payload);
  bytes.set([0x42, 0x02, 0x10, 0x11], head.length + payload + tail.length);
  const source = countingSource(bytesSource(bytes));
  const read = readOnnxModel(source);
  expect(read.success && [read.data.node_count, read.data.op_types]).toEqual([1, ["Constant"]]);
  expect(source.bytesRead()).toBeLessThan(10_000);
});
