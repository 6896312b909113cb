import type { ByteCursor } from "../../bytes/byte-cursor.ts";
import { type FieldHead, readMessage, readPackedVarints, type WireField } from "../../runs/protobuf-wire.ts";
import { dataTypeName, OnnxCorrupt, takeText, varintNumber, walkMessage } from "./onnx-walk.ts";

export type OnnxValueInfo = { name: string; elem_type: string | null; shape: (number | string)[] | null };
export type OnnxInitializer = { name: string; dims: number[]; data_type: string };

export type OnnxGraphFacts = {
  graph_name: string;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: OnnxInitializer[];
  initializer_count: number;
  node_count: number;
  /** Distinct `op_type`s, sorted. */
  op_types: string[];
  /** Present when the graph had more fields than ckpt walks; the counts above are then partial. */
  graph_walk_cut_at?: number;
};

/** Most graph fields walked (a node or initializer each); a 7B-parameter export has a few thousand. */
const MAX_GRAPH_FIELDS = 500_000;
/** Nodes and value infos bigger than this (a Constant node carrying a tensor) are counted, not parsed. */
const SMALL_MESSAGE = 64 * 1024;
const utf8 = new TextDecoder("utf-8");

/**
 * The graph's shape without its weights: name, inputs/outputs, node count and op types, and each initializer's
 * name, dims and type. Initializer payloads (`raw_data`, `float_data`, …) are skipped by their length.
 */
export function readGraphFacts(cursor: ByteCursor, end: number): OnnxGraphFacts {
  const facts: OnnxGraphFacts = {
    graph_name: "",
    inputs: [],
    outputs: [],
    initializers: [],
    initializer_count: 0,
    node_count: 0,
    op_types: [],
  };
  const ops = new Set<string>();
  const walked = walkMessage(cursor, {
    end,
    maxFields: MAX_GRAPH_FIELDS,
    visit: (head) => visitGraphField(cursor, head, { facts, ops }),
  });
  if (walked.cut) facts.graph_walk_cut_at = walked.fields;
  facts.op_types = [...ops].sort();
  return facts;
}

function visitGraphField(
  cursor: ByteCursor,
  head: FieldHead,
  into: { facts: OnnxGraphFacts; ops: Set<string> },
): void {
  const { facts, ops } = into;
  if (head.kind !== "bytes") return;
  switch (head.field) {
    case 1: {
      facts.node_count += 1;
      const opType = nodeOpType(cursor, head);
      if (opType !== undefined) ops.add(opType);
      return;
    }
    case 2:
      facts.graph_name = takeText(cursor, head);
      return;
    case 5:
      facts.initializer_count += 1;
      facts.initializers.push(readInitializer(cursor, cursor.position() + head.length));
      return;
    case 11:
    case 12: {
      const fields = smallMessage(cursor, head);
      if (fields !== undefined) (head.field === 11 ? facts.inputs : facts.outputs).push(valueInfo(fields));
      return;
    }
    default:
      return;
  }
}

/** A node's `op_type` (field 4); a node carrying a big tensor attribute (a Constant) is walked, not held. */
function nodeOpType(cursor: ByteCursor, head: FieldHead & { kind: "bytes" }): string | undefined {
  const small = smallMessage(cursor, head);
  if (small !== undefined) {
    const opType = small.find((f) => f.field === 4);
    return opType?.kind === "bytes" ? utf8.decode(opType.bytes) : undefined;
  }
  let opType: string | undefined;
  walkMessage(cursor, {
    end: cursor.position() + head.length,
    maxFields: 10_000,
    visit: (field) => {
      if (field.field === 4) opType = takeText(cursor, field);
    },
  });
  return opType;
}

function smallMessage(cursor: ByteCursor, head: FieldHead & { kind: "bytes" }): WireField[] | undefined {
  if (head.length > SMALL_MESSAGE) return undefined;
  const message = readMessage(cursor.take(head.length));
  if (!message.ok) throw new OnnxCorrupt(`graph field ${head.field}: ${message.reason}`);
  return message.fields;
}

function readInitializer(cursor: ByteCursor, end: number): OnnxInitializer {
  const tensor: OnnxInitializer = { name: "", dims: [], data_type: "UNDEFINED" };
  walkMessage(cursor, {
    end,
    maxFields: 10_000,
    visit: (head) => {
      if (head.field === 1 && head.kind === "varint") tensor.dims.push(varintNumber(head));
      else if (head.field === 1 && head.kind === "bytes" && head.length <= SMALL_MESSAGE)
        tensor.dims.push(...readPackedVarints(cursor.take(head.length)).map(Number));
      else if (head.field === 2) tensor.data_type = dataTypeName(varintNumber(head));
      else if (head.field === 8) tensor.name = takeText(cursor, head);
    },
  });
  return tensor;
}

/** `ValueInfoProto` → name, element type and shape (`dim_value`, or the symbolic `dim_param`). */
function valueInfo(fields: WireField[]): OnnxValueInfo {
  const info: OnnxValueInfo = { name: "", elem_type: null, shape: null };
  for (const field of fields) {
    if (field.field === 1 && field.kind === "bytes") info.name = utf8.decode(field.bytes);
    if (field.field !== 2 || field.kind !== "bytes") continue;
    const tensorType = subMessage(field.bytes, 1);
    if (tensorType === undefined) continue;
    const elem = tensorType.find((f) => f.field === 1);
    if (elem?.kind === "varint") info.elem_type = dataTypeName(Number(elem.value));
    const shape = tensorType.find((f) => f.field === 2);
    if (shape?.kind === "bytes") info.shape = dims(shape.bytes);
  }
  return info;
}

function subMessage(bytes: Uint8Array, field: number): WireField[] | undefined {
  const message = readMessage(bytes);
  const inner = message.ok ? message.fields.find((f) => f.field === field) : undefined;
  if (inner?.kind !== "bytes") return undefined;
  const parsed = readMessage(inner.bytes);
  return parsed.ok ? parsed.fields : undefined;
}

function dims(shapeBytes: Uint8Array): (number | string)[] {
  const shape = readMessage(shapeBytes);
  if (!shape.ok) return [];
  return shape.fields.flatMap((dim): (number | string)[] => {
    if (dim.field !== 1 || dim.kind !== "bytes") return [];
    const parts = readMessage(dim.bytes);
    const part = parts.ok ? parts.fields.find((f) => f.field === 1 || f.field === 2) : undefined;
    if (part?.kind === "varint") return [Number(BigInt.asIntN(64, part.value))];
    if (part?.kind === "bytes") return [utf8.decode(part.bytes)];
    return ["?"];
  });
}
