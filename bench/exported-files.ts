// Bench-only: sparse exported-model files of any size, laid out as their writers lay them out, with the payload
// (tensor data, initializer raw_data, weights members) left as holes so a 2 GB file costs a few KB of disk.
import type { WritePlan } from "../src/core/formats/zip-writer.ts";
import { planTorchZip } from "../src/core/formats/zip-writer.ts";
import { ggufHeaderBytes } from "../test/helpers/gguf-writer.ts";

/** Bytes, or a hole of that many zero bytes. */
type Segment = Uint8Array | number;

function planOf(segments: readonly Segment[]): WritePlan {
  const chunks: { offset: number; bytes: Uint8Array }[] = [];
  let offset = 0;
  for (const segment of segments) {
    if (typeof segment === "number") offset += segment;
    else {
      chunks.push({ offset, bytes: segment });
      offset += segment.length;
    }
  }
  return { size: offset, chunks };
}

/** A llama-like GGUF: 32 blocks × 9 tensors + 3, a 32k vocabulary with scores and types, Q8_0 tensors. */
export function ggufPlan(payloadBytes: number): WritePlan {
  const names = ["token_embd.weight", "output_norm.weight", "output.weight"];
  for (let block = 0; block < 32; block++)
    for (const part of [
      "attn_norm",
      "attn_q",
      "attn_k",
      "attn_v",
      "attn_output",
      "ffn_norm",
      "ffn_gate",
      "ffn_up",
      "ffn_down",
    ])
      names.push(`blk.${block}.${part}.weight`);
  // Q8_0: 34 bytes per 32 values; every tensor gets an equal, 32-aligned share of the payload.
  const perTensor = Math.floor(payloadBytes / names.length / 34 / 32) * 32 * 34;
  const elements = (perTensor / 34) * 32;
  const tensors = names.map((name, index) => ({
    name,
    shape: [elements],
    type: 8,
    offset: index * perTensor,
  }));
  const header = ggufHeaderBytes({
    kv: [
      { key: "general.architecture", text: "llama" },
      { key: "general.name", text: "bench-7b" },
      { key: "general.file_type", u32: 7 },
      { key: "llama.context_length", u32: 4096 },
      { key: "tokenizer.ggml.tokens", strings: Array.from({ length: 32_000 }, (_, index) => `▁tok${index}`) },
    ],
    tensors,
  });
  return planOf([header, perTensor * names.length]);
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}
const text = (value: string) => [...new TextEncoder().encode(value)];
const field = (number: number, body: number[]) => [(number << 3) | 2, ...varint(body.length), ...body];

/** A torch.onnx.export-like ModelProto: 300 initializers with raw_data, a MatMul node per initializer. */
export function onnxPlan(payloadBytes: number): WritePlan {
  const { segments, length } = onnxGraph(300, Math.floor(payloadBytes / 300 / 4) * 4);
  const model = [0x08, 0x08, ...field(2, text("pytorch")), ...field(3, text("2.1.0"))];
  const trailer = [
    ...field(8, [0x10, 17]),
    ...field(14, [...field(1, text("training.step")), ...field(2, text("1200"))]),
  ];
  return planOf([new Uint8Array([...model, 0x3a, ...varint(length)]), ...segments, new Uint8Array(trailer)]);
}

/** GraphProto fields in torch's order: nodes, name, initializers (raw_data left as holes). */
function onnxGraph(count: number, perTensor: number): { segments: Segment[]; length: number } {
  const segments: Segment[] = [];
  let length = 0;
  const push = (segment: Segment) => {
    segments.push(segment);
    length += typeof segment === "number" ? segment : segment.length;
  };
  for (let index = 0; index < count; index++) {
    const node = [
      ...field(1, text(`x${index}`)),
      ...field(2, text(`y${index}`)),
      ...field(4, text("MatMul")),
    ];
    push(new Uint8Array(field(1, node)));
  }
  push(new Uint8Array(field(2, text("main_graph"))));
  for (let index = 0; index < count; index++) {
    const head = [
      0x08,
      ...varint(perTensor / 4),
      0x10,
      0x01,
      ...field(8, text(`w${index}`)),
      0x4a,
      ...varint(perTensor),
    ];
    push(new Uint8Array([0x2a, ...varint(head.length + perTensor), ...head]));
    push(perTensor);
  }
  return { segments, length };
}

/** A `.keras` zip: metadata.json, config.json, then a `model.weights.h5` of `payloadBytes`. */
export function kerasPlan(payloadBytes: number): WritePlan {
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  const layers = Array.from({ length: 24 }, (_, index) => ({
    class_name: "Dense",
    config: { name: `dense_${index}` },
  }));
  return planTorchZip([
    { name: "metadata.json", data: json({ keras_version: "3.3.3", date_saved: "2026-11-22@14:53:07" }) },
    {
      name: "config.json",
      data: json({ module: "keras", class_name: "Sequential", config: { name: "big", layers } }),
    },
    { name: "model.weights.h5", sparseLength: payloadBytes },
  ]);
}

/** A NeMo ≥ 1.7 `.nemo` (plain ustar): model_config.yaml, then a `model_weights.ckpt` of `payloadBytes`. */
export function nemoPlan(payloadBytes: number): WritePlan {
  const config = new TextEncoder().encode(
    "target: nemo.collections.nlp.models.MegatronGPTModel\nnum_layers: 32\n",
  );
  const pad = (size: number) => (512 - (size % 512)) % 512;
  return planOf([
    tarHeader("./model_config.yaml", config.length),
    config,
    pad(config.length),
    tarHeader("./model_weights.ckpt", payloadBytes),
    payloadBytes + pad(payloadBytes),
    1024, // end-of-archive blocks
  ]);
}

function tarHeader(name: string, size: number): Uint8Array {
  const header = new Uint8Array(512);
  const put = (at: number, value: string) => header.set(new TextEncoder().encode(value), at);
  put(0, name);
  put(100, "0000644\0");
  put(124, `${size.toString(8).padStart(11, "0")}\0`);
  put(136, "00000000000\0");
  put(156, "0");
  put(257, "ustar\u000000");
  header.fill(0x20, 148, 156);
  const sum = header.reduce((total, byte) => total + byte, 0);
  put(148, `${sum.toString(8).padStart(6, "0")}\0 `);
  return header;
}
