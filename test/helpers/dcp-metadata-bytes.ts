// Test/bench-only: a DCP `.metadata` pickle as torch ≥ 2.0's FileSystemWriter writes it (protocol 2 here):
// Metadata(state_dict_metadata={fqn: TensorStorageMetadata | BytesStorageMetadata}, storage_data={MetadataIndex:
// _StorageInfo}), dataclasses as NEWOBJ + BUILD(dict), TensorProperties with its tuple `__getstate__`.
import { binUnicode, global, type PicklePart, pk, u32 } from "./pickle-bytes.ts";

const MODULE = "torch.distributed.checkpoint.metadata";
const MARK = "(";

export type DcpTensorSpec = {
  readonly fqn: string;
  readonly shape: readonly number[];
  readonly dtype: string;
};
export type DcpBytesSpec = { readonly fqn: string; readonly length: number };

function int(n: number): PicklePart {
  if (n >= 0 && n < 2 ** 31) return ["J", u32(n)];
  // LONG1: little-endian two's complement, 8 bytes is plenty for file offsets.
  const bytes: number[] = [];
  let rest = BigInt(n);
  for (let i = 0; i < 8; i++) {
    bytes.push(Number(rest & 0xffn));
    rest >>= 8n;
  }
  return [0x8a, 8, bytes];
}

const tuple = (items: PicklePart[]): PicklePart => [MARK, ...items, "t"];
const size = (dims: readonly number[]): PicklePart => [
  global("torch", "Size"),
  tuple([tuple(dims.map(int))]),
  "R",
];
const object = (module: string, name: string, fields: Array<[string, PicklePart]>): PicklePart => [
  global(module, name),
  ")",
  0x81,
  "}",
  MARK,
  ...fields.flatMap(([key, value]) => [binUnicode(key), value]),
  "u",
  "b",
];

function tensorEntry(spec: DcpTensorSpec): PicklePart {
  const properties: PicklePart = [
    global(MODULE, "TensorProperties"),
    ")",
    0x81,
    // (dtype, layout, requires_grad, memory_format, pin_memory); the enum as Python ≥ 3.11 pickles it.
    tuple([
      global("torch", spec.dtype),
      [global("torch.serialization", "_get_layout"), tuple([binUnicode("torch.strided")]), "R"],
      0x89,
      [
        global("builtins", "getattr"),
        tuple([global(MODULE, "_MEM_FORMAT_ENCODING"), binUnicode("TORCH_CONTIGUOUS_FORMAT")]),
        "R",
      ],
      0x89,
    ]),
    "b",
  ];
  const chunk = object(MODULE, "ChunkStorageMetadata", [
    ["offsets", size(spec.shape.map(() => 0))],
    ["sizes", size(spec.shape)],
  ]);
  return object(MODULE, "TensorStorageMetadata", [
    ["properties", properties],
    ["size", size(spec.shape)],
    ["chunks", ["]", MARK, chunk, "e"]],
  ]);
}

const ELEMENT_BYTES: Readonly<Record<string, number>> = { bfloat16: 2, float16: 2, float32: 4, int64: 8 };

/** The `.metadata` bytes and the size the one storage file `__0_0.distcp` must have. */
export function dcpMetadataBytes(
  tensors: readonly DcpTensorSpec[],
  bytesItems: readonly DcpBytesSpec[] = [],
) {
  const entries: PicklePart[] = [];
  const storage: PicklePart[] = [];
  let offset = 0;
  const place = (fqn: string, length: number) => {
    const index = object(MODULE, "MetadataIndex", [
      ["fqn", binUnicode(fqn)],
      ["offset", 0x4e],
      ["index", 0x4e],
    ]);
    const info = object("torch.distributed.checkpoint.filesystem", "_StorageInfo", [
      ["relative_path", binUnicode("__0_0.distcp")],
      ["offset", int(offset)],
      ["length", int(length)],
    ]);
    storage.push(index, info);
    offset += length;
  };
  for (const item of bytesItems) {
    entries.push(binUnicode(item.fqn), object(MODULE, "BytesStorageMetadata", []));
    place(item.fqn, item.length);
  }
  for (const spec of tensors) {
    entries.push(binUnicode(spec.fqn), tensorEntry(spec));
    place(spec.fqn, spec.shape.reduce((p, d) => p * d, 1) * (ELEMENT_BYTES[spec.dtype] ?? 4));
  }
  const metadata = object(MODULE, "Metadata", [
    ["state_dict_metadata", ["}", MARK, ...entries, "u"]],
    ["planner_data", 0x4e],
    ["storage_data", ["}", MARK, ...storage, "u"]],
  ]);
  return { bytes: pk(0x80, 2, metadata, "."), storageBytes: offset };
}

/** Llama-7B-like parameter names and shapes: 32 layers × 9 tensors + embeddings, norm, output = 291 tensors. */
export function llamaLikeTensors(options: { layers: number; hidden: number; ffn: number; vocab: number }) {
  const { layers, hidden, ffn, vocab } = options;
  const out: DcpTensorSpec[] = [{ fqn: "tok_embeddings.weight", shape: [vocab, hidden], dtype: "bfloat16" }];
  for (let layer = 0; layer < layers; layer++) {
    const p = `layers.${layer}`;
    for (const w of ["wq", "wk", "wv", "wo"])
      out.push({ fqn: `${p}.attention.${w}.weight`, shape: [hidden, hidden], dtype: "bfloat16" });
    out.push({ fqn: `${p}.feed_forward.w1.weight`, shape: [ffn, hidden], dtype: "bfloat16" });
    out.push({ fqn: `${p}.feed_forward.w2.weight`, shape: [hidden, ffn], dtype: "bfloat16" });
    out.push({ fqn: `${p}.feed_forward.w3.weight`, shape: [ffn, hidden], dtype: "bfloat16" });
    out.push({ fqn: `${p}.attention_norm.weight`, shape: [hidden], dtype: "bfloat16" });
    out.push({ fqn: `${p}.ffn_norm.weight`, shape: [hidden], dtype: "bfloat16" });
  }
  out.push({ fqn: "norm.weight", shape: [hidden], dtype: "bfloat16" });
  out.push({ fqn: "output.weight", shape: [vocab, hidden], dtype: "bfloat16" });
  return out;
}
