import { z } from "zod";
import { checkFileCompleteness } from "../formats/completeness.ts";
import { type DirectoryView, readPythonJsonFile } from "../formats/hf-checkpoint-dir.ts";
import { readSafetensorsHeader } from "../formats/safetensors.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import { readTorchFile } from "./directory-files.ts";
import { judgedDirectoryReport, verdictOfCompleteness } from "./directory-verdict.ts";
import type { PeftFacts } from "./distributed-report-parts.ts";
import { failedReport } from "./report-outcome.ts";
import { safetyOf } from "./torch-report.ts";

const ADAPTER_CONFIG = "adapter_config.json";
const ADAPTER_WEIGHTS = ["adapter_model.safetensors", "adapter_model.bin"];

/** The `PeftConfig` fields the catalog shows; PEFT writes the whole dataclass (`save_pretrained`). */
const AdapterConfig = z.looseObject({
  peft_type: z.string().nullable().optional(),
  task_type: z.string().nullable().optional(),
  r: z.number().int().nullable().optional(),
  lora_alpha: z.number().nullable().optional(),
  target_modules: z.json().optional(),
  base_model_name_or_path: z.string().nullable().optional(),
});

/** A PEFT adapter dir by its own files: `adapter_config.json` beside `adapter_model.*`. */
export function isPeftAdapterDir(names: readonly string[]): boolean {
  return names.includes(ADAPTER_CONFIG) && ADAPTER_WEIGHTS.some((name) => names.includes(name));
}

/** `adapter_config.json` and the adapter weights' header: the model section of a LoRA (or other PEFT) adapter. */
export function peftFacts(view: DirectoryView, names: readonly string[]): PeftFacts | string | undefined {
  const config = readPythonJsonFile(view, { name: ADAPTER_CONFIG, schema: AdapterConfig });
  if (config === undefined) return undefined;
  if (!config.success) return config.error;
  const adapterFile = ADAPTER_WEIGHTS.find((name) => names.includes(name)) ?? null;
  const source = adapterFile === null ? undefined : view.open(adapterFile);
  const header = source && adapterFile?.endsWith(".safetensors") ? readSafetensorsHeader(source) : undefined;
  const dtypes: Record<string, number> = {};
  for (const tensor of header?.success ? header.data.tensors : [])
    dtypes[tensor.dtype] = (dtypes[tensor.dtype] ?? 0) + 1;
  const c = config.data;
  return {
    peft_type: c.peft_type ?? null,
    task_type: c.task_type ?? null,
    r: c.r ?? null,
    lora_alpha: c.lora_alpha ?? null,
    target_modules: c.target_modules ?? null,
    base_model_name_or_path: c.base_model_name_or_path ?? null,
    adapter_file: adapterFile,
    adapter_tensor_count: header?.success ? header.data.tensors.length : null,
    adapter_dtypes: dtypes,
  };
}

/** A bare PEFT adapter dir (`save_pretrained` of a PeftModel): complete when its weights file is. */
export function peftReport(view: DirectoryView, options: { base: CheckpointReport }): CheckpointReport {
  const names = view.names().filter((name) => !name.includes("/"));
  const facts = peftFacts(view, names);
  const base: CheckpointReport = {
    ...options.base,
    container: "peft-adapter-dir",
    framework: "peft",
    framework_confidence: 1,
  };
  if (facts === undefined || typeof facts === "string")
    return failedReport(base, {
      status: "corrupt",
      code: "directory-incomplete",
      message: facts ?? `${ADAPTER_CONFIG} vanished`,
    });
  const read = facts.adapter_file?.endsWith(".bin")
    ? readTorchFile(view, { name: facts.adapter_file })
    : undefined;
  const safety = read
    ? safetyOf([read.scan])
    : { status: "safe" as const, dangerous: [], unknown: [], notes: [] };
  const report: CheckpointReport = { ...base, peft: facts, safety };
  const source = facts.adapter_file === null ? undefined : view.open(facts.adapter_file);
  const completeness = source === undefined ? undefined : checkFileCompleteness(source);
  if (completeness === undefined) return judgedDirectoryReport(report, { complete: true, reason: "" });
  const reason = `${facts.adapter_file}: ${completeness.reason}`;
  return judgedDirectoryReport(report, verdictOfCompleteness({ ...completeness, reason }));
}
