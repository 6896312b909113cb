import type { ByteSource } from "../../bytes/byte-source.ts";
import type { Completeness } from "../completeness.ts";
import { readOnnxModel } from "./onnx-model.ts";

/** Every top-level field ends inside the file and the model has ir_version, graph and opset_import. */
export function checkOnnxCompleteness(source: ByteSource): Completeness {
  const model = readOnnxModel(source);
  if (model.success)
    return { state: "complete", reason: `onnx: ModelProto fields end exactly at byte ${source.size}` };
  return { state: model.error.code, reason: `onnx: ${model.error.message}` };
}
