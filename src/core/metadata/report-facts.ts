import { z } from "zod";
import { AnyNumber } from "../runs/metric-series.ts";
import { schemaAcceptor } from "./schema-acceptor.ts";

/**
 * The part of the checkpoint reader's `CheckpointReport` the assembler uses, under the report's own field names
 * (the `*.truth.json` names). Every field is optional and a field of an unexpected type reads as absent, so a
 * reader that grows or reshapes a field never makes assembly fail; the missing fact is simply unknown.
 */

const tolerant = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const Record_ = z.record(z.string(), z.unknown());
const NumberRecord = z.record(z.string(), AnyNumber);

export const ModelCheckpointState = z.looseObject({
  key: tolerant(z.string()),
  monitor: tolerant(z.string().nullable()),
  best_model_score: tolerant(AnyNumber.nullable()),
  best_model_path: tolerant(z.string().nullable()),
  current_score: tolerant(AnyNumber.nullable()),
  last_model_path: tolerant(z.string().nullable()),
  kth_best_model_path: tolerant(z.string().nullable()),
  dirpath: tolerant(z.string().nullable()),
  best_k_models: tolerant(z.record(z.string(), AnyNumber.nullable())),
});
export type ModelCheckpointState = z.infer<typeof ModelCheckpointState>;

const ModelInfo = z.looseObject({
  class: tolerant(z.string()),
  yaml_file: tolerant(z.string().nullable()),
  nc: tolerant(z.number().nullable()),
});

const HfFacts = z.looseObject({
  dir_step: tolerant(z.number().nullable()),
  best_metric: tolerant(AnyNumber.nullable()),
  best_global_step: tolerant(z.number().nullable()),
  best_model_checkpoint: tolerant(z.string().nullable()),
  metric_for_best_model: tolerant(z.string().nullable()),
  greater_is_better: tolerant(z.boolean().nullable()),
  architectures: tolerant(z.array(z.string()).nullable()),
  model_type: tolerant(z.string().nullable()),
  num_train_epochs: tolerant(z.number().nullable()),
});

const Safety = z.looseObject({
  status: z.enum(["safe", "unknown", "unsafe"]),
  dangerous: z.array(z.string()).catch([]),
  unknown: z.array(z.string()).catch([]),
});

export const ReportFacts = z.looseObject({
  status: tolerant(z.string()),
  error: tolerant(z.looseObject({ code: tolerant(z.string()), message: tolerant(z.string()) }).nullable()),
  container: tolerant(z.string().nullable()),
  framework: tolerant(z.string().nullable()),
  epoch: tolerant(z.number().nullable()),
  global_step: tolerant(z.number().nullable()),
  "pytorch-lightning_version": tolerant(z.string().nullable()),
  hyper_parameters: tolerant(Record_.nullable()),
  datamodule_hyper_parameters: tolerant(Record_.nullable()),
  callbacks_keys: tolerant(z.array(z.string())),
  model_checkpoint_states: tolerant(z.array(ModelCheckpointState)),
  cleval_metrics: tolerant(NumberRecord.nullable()),
  other_values: tolerant(Record_.nullable()),
  arch: tolerant(z.string().nullable()),
  metric: tolerant(AnyNumber.nullable()),
  /** timm's checkpoint version (int) or the Ultralytics package version (string). */
  version: tolerant(z.union([z.number(), z.string()])),
  args: tolerant(Record_.nullable()),
  best_fitness: tolerant(AnyNumber.nullable()),
  updates: tolerant(z.number().nullable()),
  train_args: tolerant(Record_.nullable()),
  train_metrics: tolerant(NumberRecord.nullable()),
  model_info: tolerant(ModelInfo.nullable()),
  ema_info: tolerant(ModelInfo.nullable()),
  hf: tolerant(HfFacts),
  training_args: tolerant(Record_.nullable()),
  /** Exported models: the architecture each names (GGUF `general.architecture`, Keras class, NeMo `target`). */
  gguf: tolerant(z.looseObject({ "general.architecture": tolerant(z.string().nullable()) })),
  keras: tolerant(z.looseObject({ class_name: tolerant(z.string().nullable()) })),
  nemo: tolerant(z.looseObject({ target: tolerant(z.string().nullable()) })),
  safety: tolerant(Safety.nullable()),
  size_bytes: tolerant(z.number()),
});
export type ReportFacts = z.infer<typeof ReportFacts>;

// Facts by report, for the pipeline and the assembler that both read the same report: one zod pass, not two.
const factsOfReport = new WeakMap<object, ReportFacts>();

const acceptsFacts = schemaAcceptor(ReportFacts);

function parsedFacts(report: object): ReportFacts {
  const parsed = ReportFacts.safeParse(report);
  return parsed.success ? parsed.data : {};
}

/** The report's facts; anything that is not an object yields no facts at all. */
export function readReportFacts(report: unknown): ReportFacts {
  if (typeof report !== "object" || report === null) return {};
  const known = factsOfReport.get(report);
  if (known !== undefined) return known;
  // A report whose every fact has its expected type is its own facts (a loose object keeps every key); only a
  // report with an odd field is copied by zod, which drops that field.
  const facts = acceptsFacts(report) ? (report as ReportFacts) : parsedFacts(report);
  factsOfReport.set(report, facts);
  return facts;
}

/** Statuses whose report carries facts worth a sidecar (an unsafe file still gets one that says so). */
export function isAssemblable(facts: ReportFacts): boolean {
  return facts.status === undefined || facts.status === "ok" || facts.status === "unsafe";
}
