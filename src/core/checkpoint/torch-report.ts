import type { PickleError } from "../formats/pickle/pickle-error.ts";
import { PyDict } from "../formats/pickle/py-dict.ts";
import { pyStr } from "../formats/pickle/py-str.ts";
import { isTagged, type PyValue, type TensorRef } from "../formats/pickle/py-value.ts";
import {
  PLAIN_JSON_MAX_COST,
  PLAIN_JSON_REPEAT_COST,
  PlainBudget,
  toPlainJson,
} from "../formats/pickle/to-plain-json.ts";
import type { TensorScalarReader, TorchPickleRead } from "../formats/torch-pickle-result.ts";
import type { FrameworkFacts, FrameworkInput, Recognition } from "../frameworks/framework-input.ts";
import { typeName } from "../frameworks/framework-input.ts";
import { recognizeCheckpoint } from "../frameworks/recognize.ts";
import { isTensor } from "../frameworks/state-dict-summary.ts";
import type { GlobalScan } from "../safety/pickle-global-scan.ts";
import { assessPickleSafety } from "../safety/pickle-safety.ts";
import type { CheckpointReport, ReportError, SafetyFindings } from "./checkpoint-report.ts";

/**
 * Each 0-d tensor read once per file: Lightning's `best_model_score` is met both by the callbacks' plain form
 * and by the checkpoint-callback state, and each read re-checked its storage's local header.
 */
function readOnce(readScalar: TensorScalarReader): TensorScalarReader {
  const read = new Map<TensorRef, ReturnType<TensorScalarReader>>();
  return (tensor) => {
    if (read.has(tensor)) return read.get(tensor);
    const value = readScalar(tensor);
    read.set(tensor, value);
    return value;
  };
}

/** Plain-JSON and scalar converters over one file's tensors, sharing one budget and one read per 0-d tensor. */
export function frameworkInput(root: PyValue, readTensorScalar: TensorScalarReader): FrameworkInput {
  const readScalar = readOnce(readTensorScalar);
  const budget = new PlainBudget();
  const plain = (value: PyValue) => toPlainJson(value, { readTensorScalar: readScalar, budget });
  const scalar = (value: PyValue | undefined): number | null | undefined => {
    if (value === null) return null;
    if (typeof value === "number") return value;
    if (typeof value === "bigint") return Number(value);
    if (isTensor(value) && value.numel === 1 && value.shape.length === 0) {
      const read = readScalar(value);
      return typeof read === "number" || typeof read === "bigint" ? Number(read) : undefined;
    }
    if (isTagged(value) && value.kind === "ndarray" && value.values?.length === 1) {
      const only = value.values[0];
      return typeof only === "number" ? only : undefined;
    }
    return undefined;
  };
  return { root, plain, scalar, budget };
}

/** The lists' strings once each, in order; most files have none to merge. */
function unique(lists: readonly (readonly string[])[]): string[] {
  let total = 0;
  for (const list of lists) total += list.length;
  return total === 0 ? [] : [...new Set(lists.flat())];
}

/** Safety findings of one or more scanned pickles (a directory checkpoint has several). */
export function safetyOf(scans: readonly GlobalScan[], read?: TorchPickleRead): SafetyFindings {
  const reports = scans.map((scan) => assessPickleSafety(scan, read?.notes ?? []));
  const rank = { safe: 0, unknown: 1, unsafe: 2 } as const;
  const status = reports.reduce<SafetyFindings["status"]>(
    (worst, report) => (rank[report.status] > rank[worst] ? report.status : worst),
    "safe",
  );
  return {
    status,
    dangerous: unique(reports.map((r) => r.dangerous)),
    unknown: unique(reports.map((r) => r.unknown)),
    notes: unique(reports.map((r) => r.notes)),
  };
}

/** What the report says when shared or huge values were not written out in full; empty when all were. */
export function plainBudgetNotes(budget: PlainBudget, file = "data.pkl"): string[] {
  const notes: string[] = [];
  if (budget.sharedMarkers > 0)
    notes.push(
      `${file} shares objects between several places: ${budget.sharedMarkers} repeat(s) longer than ${PLAIN_JSON_REPEAT_COST} bytes of JSON are shown as {"__same_as__": "<path of the first>"}`,
    );
  if (budget.truncated > 0)
    notes.push(
      `${file} expands to more than ckpt shows (about ${PLAIN_JSON_MAX_COST / 1024 / 1024} MB of JSON per checkpoint, 256 levels deep): ${budget.truncated} value(s) are cut to {"__truncated__": true}; load the file in Python to see the rest`,
    );
  return notes;
}

type PickleFacts = FrameworkFacts & Pick<CheckpointReport, "framework"> & { notes: string[] };

/** What a torch pickle's main object says: its type and keys, the best recognizer's verdict, notes on values cut. */
type PickleRecognition = {
  readonly type: string | undefined;
  readonly keys: string[] | undefined;
  readonly recognition: Recognition | undefined;
  readonly notes: string[];
};

function recognizePickle(read: TorchPickleRead): PickleRecognition | undefined {
  const root = read.value;
  if (root === undefined || read.format === "torchscript") return undefined;
  const keys = root instanceof PyDict ? root.keys().map((key) => pyStr(key)) : undefined;
  const input = frameworkInput(root, read.readScalar);
  const recognition = recognizeCheckpoint(input);
  const notes = recognition === undefined ? [] : plainBudgetNotes(input.budget);
  return { type: typeName(root), keys, recognition, notes };
}

/** Top-level type and keys, then the best recognizer's facts, and notes on values not shown in full. */
export function pickleFacts(read: TorchPickleRead): PickleFacts {
  const facts: PickleFacts = { framework: null, notes: [] };
  const recognized = recognizePickle(read);
  if (recognized === undefined) return facts;
  writeRecognized(facts, recognized);
  facts.notes = recognized.notes;
  return facts;
}

/**
 * Writes what the pickle says into `target` in the report's key order (top-level type and keys, the
 * recognizer's facts, framework and confidence): assignments, not spreads, so the report is built once.
 */
function writeRecognized(
  target: FrameworkFacts & Pick<CheckpointReport, "framework">,
  recognized: PickleRecognition,
) {
  if (recognized.type !== undefined) target.top_level_type = recognized.type;
  if (recognized.keys !== undefined) target.top_level_keys = recognized.keys;
  const { recognition } = recognized;
  if (recognition === undefined) return;
  Object.assign(target, recognition.facts);
  target.framework = recognition.framework;
  target.framework_confidence = recognition.confidence;
}

/** The report error for a pickle that could not be interpreted. */
export function pickleReportError(path: string, error: PickleError): ReportError {
  const code =
    error.code === "truncated"
      ? "pickle-truncated"
      : error.code === "limit-exceeded"
        ? "pickle-limit"
        : "pickle-corrupt";
  return { code, message: `${path}: data.pkl cannot be read: ${error.message}` };
}

/** `unsafe` names the callables and says nothing ran. */
export function unsafeError(path: string, safety: SafetyFindings): ReportError {
  const named = safety.dangerous.length > 0 ? safety.dangerous.join(", ") : "obfuscated imports";
  return {
    code: "dangerous-globals",
    message: `${path}: the pickle references dangerous callables (${named}); ckpt read it without executing anything. Do not torch.load it with weights_only=False; inspect or delete it`,
  };
}

/**
 * A report that read no checkpoint (a plain pickle, a damaged legacy header) still gets the verdict of what its
 * pickles reference; a dangerous one makes it `unsafe`, whatever else is wrong.
 */
export function withScanVerdict(report: CheckpointReport, scan: GlobalScan): CheckpointReport {
  const safety = safetyOf([scan]);
  const scanned = { ...report, pickle_globals: [...scan.names], safety };
  if (safety.status !== "unsafe") return scanned;
  return { ...scanned, status: "unsafe", error: unsafeError(report.path, safety) };
}

/**
 * Fills `report` (a fresh report of this file, owned by the caller) with the fields zip and legacy torch files
 * share, in their output order, and returns it: one object per report, not a copy per step.
 */
export function fillTorchReport(report: CheckpointReport, read: TorchPickleRead): CheckpointReport {
  const safety = safetyOf([read.scan], read);
  report.format = read.format;
  report.pickle_globals = [...read.scan.names];
  report.safety = safety;
  const recognized = recognizePickle(read);
  if (recognized !== undefined) writeRecognized(report, recognized);
  if (read.zip !== undefined) report.zip = read.zip;
  const warnings = [...read.warnings, ...(recognized?.notes ?? [])];
  if (read.format === "torchscript")
    warnings.push(
      "a TorchScript archive (torch.jit.save): a compiled model, not a training checkpoint; not executed",
    );
  if (read.format === "torch-package")
    warnings.push("a torch.package archive: its pickles are code-bearing and were not interpreted");
  if (warnings.length > 0) report.warnings = warnings;
  const error =
    safety.status === "unsafe"
      ? unsafeError(report.path, safety)
      : read.pickleError === undefined
        ? null
        : pickleReportError(report.path, read.pickleError);
  report.status = safety.status === "unsafe" ? "unsafe" : error === null ? "ok" : "corrupt";
  report.error = error;
  return report;
}
