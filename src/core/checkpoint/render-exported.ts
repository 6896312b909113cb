import type { CheckpointReport } from "./checkpoint-report.ts";

const number = new Intl.NumberFormat("en-US");

/** `ckpt inspect` lines for exported models (GGUF, ONNX, Keras, NeMo); values from the file, escaped by the caller. */
export function exportedLines(report: CheckpointReport): string[] {
  const lines: string[] = [];
  const { gguf, onnx, keras, nemo } = report;
  if (gguf) {
    const types = Object.entries(gguf.tensor_types).map(([type, count]) => `${type} ×${count}`);
    lines.push(
      `  model       ${gguf["general.architecture"] ?? "?"} ${JSON.stringify(gguf["general.name"] ?? "")}, GGUF v${gguf.version}`,
      `  quant       ${gguf.quantization ?? (gguf["general.file_type"] === null ? "–" : `file_type ${gguf["general.file_type"]}`)}`,
      `  context     ${gguf.context_length ?? "–"}`,
      `    tensors: ${gguf.tensor_count} (${types.join(", ")}), ${number.format(gguf.n_elements_total)} values, ${gguf.kv_count} metadata keys`,
    );
  }
  if (onnx) {
    const opsets = onnx.opset_import.map((opset) => `${opset.domain || "ai.onnx"} ${opset.version}`);
    lines.push(
      `  model       ONNX ir ${onnx.ir_version ?? "?"}, opset ${opsets.join(", ")}, by ${onnx.producer_name} ${onnx.producer_version}`,
      `    graph: ${onnx.node_count ?? "?"} nodes (${(onnx.op_types ?? []).join(", ")}), ${onnx.initializer_count ?? "?"} initializers`,
      ...Object.entries(onnx.metadata_props).map(([key, value]) => `    ${key}: ${value}`),
    );
  }
  if (keras)
    lines.push(
      `  model       ${keras.class_name ?? "?"} ${JSON.stringify(keras.name ?? "")}, ${keras.layer_count ?? "?"} layers, Keras ${keras.keras_version ?? "?"} (saved ${keras.date_saved ?? "?"})`,
      `    weights: ${keras.weights_file ?? "none"}, ${number.format(keras.weights_bytes ?? 0)} bytes`,
    );
  if (nemo)
    lines.push(
      `  model       ${nemo.target ?? "?"}`,
      `    members: ${nemo.members.length}, weights ${nemo.weights_files.join(", ") || "none"} (${number.format(nemo.weights_bytes)} bytes)`,
    );
  return lines;
}
