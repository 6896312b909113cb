import { type ByteCursor, byteCursor, CursorStop } from "../../bytes/byte-cursor.ts";
import type { ByteSource } from "../../bytes/byte-source.ts";
import { fail, ok, type Result } from "../../result.ts";
import { type FieldHead, readMessage, readVarint } from "../../runs/protobuf-wire.ts";
import { type OnnxGraphFacts, readGraphFacts } from "./onnx-graph.ts";
import { OnnxCorrupt, takeText, varintNumber, walkMessage } from "./onnx-walk.ts";

/** What `ModelProto` says about itself (onnx.proto field names), plus the graph's outline. */
export type OnnxModel = {
  ir_version: number | null;
  producer_name: string;
  producer_version: string;
  domain: string;
  model_version: number;
  doc_string: string;
  opset_import: { domain: string; version: number }[];
  metadata_props: Record<string, string>;
  /** Length of the serialized graph (nodes, initializers with their weights). */
  graph_bytes: number;
} & Partial<OnnxGraphFacts>;

export type OnnxErrorCode = "incomplete" | "corrupt";
export type OnnxError = { readonly code: OnnxErrorCode; readonly message: string };

/** ModelProto fields and the wire type each must have (onnx.proto); unknown fields are skipped. */
const MODEL_FIELDS: Readonly<Record<number, "varint" | "bytes">> = {
  1: "varint", // ir_version
  2: "bytes", // producer_name
  3: "bytes", // producer_version
  4: "bytes", // domain
  5: "varint", // model_version
  6: "bytes", // doc_string
  7: "bytes", // graph
  8: "bytes", // opset_import
  14: "bytes", // metadata_props
  20: "bytes", // training_info
  25: "bytes", // functions
};
const MAX_TOP_LEVEL_FIELDS = 100_000;
const utf8 = new TextDecoder("utf-8");

/**
 * Reads an ONNX model file's `ModelProto` by walking its top-level protobuf fields: ir/opset versions, producer,
 * metadata_props, and the graph's outline with every initializer's payload skipped by its length. Protobuf has
 * no end marker: a file cut exactly between two top-level fields after `opset_import` reads as a smaller model.
 */
export function readOnnxModel(source: ByteSource): Result<OnnxModel, OnnxError> {
  const cursor = byteCursor(source);
  const model = emptyModel();
  let sawGraph = false;
  try {
    walkMessage(cursor, {
      end: source.size,
      maxFields: MAX_TOP_LEVEL_FIELDS,
      visit: (head) => {
        sawGraph ||= head.field === 7;
        visitModelField(cursor, head, model);
      },
    });
  } catch (cause) {
    if (cause instanceof CursorStop)
      return fail({
        code: "incomplete",
        message: `a protobuf field starting before byte ${cause.at} runs past the end (${source.size} bytes); the file is still being written or was cut short (re-export it)`,
      });
    if (cause instanceof OnnxCorrupt)
      return fail({
        code: "corrupt",
        message: `${cause.message}; the file is damaged or not ONNX (re-export it)`,
      });
    throw cause;
  }
  const missing = missingFields(model, sawGraph);
  if (missing.length > 0)
    return fail({
      code: "incomplete",
      message: `the model has no ${missing.join(", ")}; the file was cut short or is not an ONNX model (re-export it)`,
    });
  return ok(model);
}

function emptyModel(): OnnxModel {
  return {
    ir_version: null,
    producer_name: "",
    producer_version: "",
    domain: "",
    model_version: 0,
    doc_string: "",
    opset_import: [],
    metadata_props: {},
    graph_bytes: 0,
  };
}

/** What every ModelProto has: ir_version, a graph, and (ir ≥ 3) an opset_import. */
function missingFields(model: OnnxModel, sawGraph: boolean): string[] {
  return [
    ...(model.ir_version === null ? ["ir_version"] : []),
    ...(sawGraph ? [] : ["graph"]),
    ...(model.opset_import.length === 0 && (model.ir_version ?? 0) >= 3 ? ["opset_import"] : []),
  ];
}

function visitModelField(cursor: ByteCursor, head: FieldHead, model: OnnxModel): void {
  const expected = MODEL_FIELDS[head.field];
  if (expected === undefined) return;
  if (expected !== head.kind) throw new OnnxCorrupt(`ModelProto field ${head.field} has the wrong wire type`);
  switch (head.field) {
    case 1:
      model.ir_version = varintNumber(head);
      return;
    case 2:
      model.producer_name = takeText(cursor, head);
      return;
    case 3:
      model.producer_version = takeText(cursor, head);
      return;
    case 4:
      model.domain = takeText(cursor, head);
      return;
    case 5:
      model.model_version = varintNumber(head);
      return;
    case 6:
      model.doc_string = takeText(cursor, head);
      return;
    case 7:
      visitGraph(cursor, head, model);
      return;
    case 8:
      model.opset_import.push(opsetId(takeBody(cursor, head)));
      return;
    case 14: {
      const [key, value] = stringPair(takeBody(cursor, head));
      Object.defineProperty(model.metadata_props, key, { value, enumerable: true, writable: true });
      return;
    }
    default:
      return;
  }
}

function visitGraph(cursor: ByteCursor, head: FieldHead, model: OnnxModel): void {
  if (head.kind !== "bytes") return;
  model.graph_bytes = head.length;
  Object.assign(model, readGraphFacts(cursor, cursor.position() + head.length));
}

/** Small sub-messages (an opset id, a key/value pair); 1 MB is far beyond any real one. */
function takeBody(cursor: ByteCursor, head: FieldHead): Uint8Array {
  if (head.kind !== "bytes" || head.length > 1024 * 1024)
    throw new OnnxCorrupt(`ModelProto field ${head.field} is not a small message`);
  return cursor.take(head.length);
}

function opsetId(bytes: Uint8Array): { domain: string; version: number } {
  const message = readMessage(bytes);
  if (!message.ok) throw new OnnxCorrupt(`opset_import entry: ${message.reason}`);
  const id = { domain: "", version: 0 };
  for (const field of message.fields) {
    if (field.field === 1 && field.kind === "bytes") id.domain = utf8.decode(field.bytes);
    if (field.field === 2 && field.kind === "varint") id.version = Number(field.value);
  }
  return id;
}

function stringPair(bytes: Uint8Array): [string, string] {
  const message = readMessage(bytes);
  if (!message.ok) throw new OnnxCorrupt(`metadata_props entry: ${message.reason}`);
  const text = (field: number) => {
    const found = message.fields.find((f) => f.field === field);
    return found?.kind === "bytes" ? utf8.decode(found.bytes) : "";
  };
  return [text(1), text(2)];
}

/** Does a file's head look like a serialized ModelProto? `ir_version` 3–20 first, then a ModelProto field. */
export function looksLikeOnnx(head: Uint8Array): boolean {
  if (head[0] !== 0x08) return false;
  const version = readVarint(head, 1);
  // IR 3 (2017) is the oldest any exporter in use writes; a TF `saved_model.pb` also opens with field 1 = 1.
  if (version === undefined || version.value < 3n || version.value > 20n) return false;
  const next = readVarint(head, version.next);
  if (next === undefined) return head.length === version.next;
  const wire = Number(next.value & 7n) === 0 ? "varint" : Number(next.value & 7n) === 2 ? "bytes" : "other";
  return MODEL_FIELDS[Number(next.value >> 3n)] === wire;
}
