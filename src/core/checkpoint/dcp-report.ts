import { type ByteSource, bytesSource } from "../bytes/byte-source.ts";
import { type DcpMetadata, readDcpMetadata } from "../formats/distributed/dcp-metadata.ts";
import type { DirectoryView } from "../formats/hf-checkpoint-dir.ts";
import { toPlainJson } from "../formats/pickle/to-plain-json.ts";
import { readTorchZipCheckpoint } from "../formats/torch-checkpoint.ts";
import type { InflateRaw } from "../formats/zip-entry-reader.ts";
import { INPUT_CAPS, isOverCap } from "../input-caps.ts";
import { scanPickleGlobals } from "../safety/pickle-global-scan.ts";
import type { CheckpointReport } from "./checkpoint-report.ts";
import { judgedDirectoryReport } from "./directory-verdict.ts";
import type { DcpFacts } from "./distributed-report-parts.ts";
import { safetyOf, withScanVerdict } from "./torch-report.ts";

const DISTCP = /^__(\d+)_(\d+)\.distcp$/;
const METADATA = ".metadata";
const METADATA_TMP = ".metadata.tmp";
/** BYTE_IO items are torch.save streams of small objects (step, train_state); larger ones are not read. */
const BYTES_VALUE_MAX = 64 * 1024;

/** A DCP directory by its own files: `.metadata` (or `.metadata.tmp`) or `__<rank>_<n>.distcp` storage files. */
export function isDcpDirectory(names: readonly string[]): boolean {
  return names.some((name) => name === METADATA || name === METADATA_TMP || DISTCP.test(name));
}

type Metadata = { file: string; bytes: Uint8Array; parsed: ReturnType<typeof readDcpMetadata> };

function readMetadataFile(view: DirectoryView, names: readonly string[]): Metadata | string | undefined {
  const file = names.includes(METADATA) ? METADATA : names.includes(METADATA_TMP) ? METADATA_TMP : undefined;
  const source = file === undefined ? undefined : view.open(file);
  if (file === undefined || source === undefined) return undefined;
  if (isOverCap(source.size, INPUT_CAPS.pickle)) return `${file} is over the pickle cap; it was not read`;
  const bytes = source.read(0, source.size);
  return { file, bytes, parsed: readDcpMetadata(bytes) };
}

/** Storage files `.metadata` names that are absent, and those shorter than the items placed in them. */
function storageProblems(view: DirectoryView, metadata: DcpMetadata) {
  const ends = new Map<string, number>();
  for (const item of metadata.storage)
    ends.set(item.file, Math.max(ends.get(item.file) ?? 0, item.offset + item.length));
  const missing: string[] = [];
  const short: string[] = [];
  for (const [file, end] of ends) {
    const size = view.open(file)?.size;
    if (size === undefined) missing.push(file);
    else if (size < end) short.push(file);
  }
  return { referenced: [...ends.keys()].sort(), missing: missing.sort(), short: short.sort() };
}

/** Small BYTE_IO items, each a torch.save zip at `(offset, length)` of its storage file, as plain JSON. */
function bytesValues(view: DirectoryView, metadata: DcpMetadata, inflate?: InflateRaw) {
  const values: DcpFacts["bytes_values"] = {};
  const sources = new Map<string, ByteSource | undefined>();
  for (const item of metadata.storage) {
    if (!metadata.bytesEntries.includes(item.fqn) || item.length > BYTES_VALUE_MAX) continue;
    if (!sources.has(item.file)) sources.set(item.file, view.open(item.file));
    const slice = sources.get(item.file)?.read(item.offset, item.length);
    if (slice === undefined || slice.length < item.length) continue;
    const read = readTorchZipCheckpoint(bytesSource(slice), inflate ? { inflate } : {});
    if (!read.success || read.data.value === undefined || safetyOf([read.data.scan]).status === "unsafe")
      continue;
    values[item.fqn] = toPlainJson(read.data.value);
  }
  return values;
}

type Verdict = { complete: boolean; reason: string };

function verdict(
  metadata: Metadata | string | undefined,
  problems: ReturnType<typeof storageProblems>,
): Verdict {
  if (metadata === undefined)
    return {
      complete: false,
      reason: "no .metadata: the coordinator writes it last (save in progress or killed)",
    };
  if (typeof metadata === "string") return { complete: false, reason: metadata };
  if (metadata.file === METADATA_TMP)
    return {
      complete: false,
      reason: "only .metadata.tmp: FileSystemWriter.finish has not renamed it (in progress or killed)",
    };
  if (!metadata.parsed.success)
    return { complete: false, reason: `.metadata cannot be read: ${metadata.parsed.error}` };
  if (problems.missing.length > 0)
    return {
      complete: false,
      reason: `storage files named by .metadata are missing: ${problems.missing.join(", ")}`,
    };
  if (problems.short.length > 0)
    return {
      complete: false,
      reason: `storage files shorter than .metadata says: ${problems.short.join(", ")}`,
    };
  return { complete: true, reason: ".metadata present and every storage file it names holds its items" };
}

/** The step: a `step` bytes entry, torchtitan's `train_state.step`, or the `step-N` directory name. */
function stepOf(values: DcpFacts["bytes_values"], dirName: string | undefined): number | undefined {
  const trainState = values["train_state"];
  const candidates = [
    values["step"],
    typeof trainState === "object" && trainState !== null && !Array.isArray(trainState)
      ? trainState["step"]
      : undefined,
    Number(/^step-(\d+)$/.exec(dirName ?? "")?.[1] ?? Number.NaN),
  ];
  return candidates.find((value): value is number => typeof value === "number" && Number.isInteger(value));
}

function dcpFacts(
  view: DirectoryView,
  names: readonly string[],
  metadata: Metadata | string | undefined,
  inflate?: InflateRaw,
): DcpFacts {
  const distcp = names.filter((name) => DISTCP.test(name)).sort();
  const ranks = [...new Set(distcp.map((name) => Number(DISTCP.exec(name)?.[1])))].sort((a, b) => a - b);
  const parsed = typeof metadata === "object" && metadata.parsed.success ? metadata.parsed.data : undefined;
  const problems = parsed ? storageProblems(view, parsed) : { referenced: [], missing: [], short: [] };
  const { complete, reason } = verdict(metadata, problems);
  const tensors = parsed?.tensors ?? [];
  const dtypes: Record<string, number> = {};
  for (const tensor of tensors) if (tensor.dtype) dtypes[tensor.dtype] = (dtypes[tensor.dtype] ?? 0) + 1;
  return {
    layout: parsed?.layout ?? null,
    metadata_file: typeof metadata === "object" ? metadata.file : null,
    metadata_type: parsed?.type ?? null,
    distcp_files: distcp,
    writer_ranks: ranks,
    tensor_count: tensors.length,
    numel_total: tensors.reduce((sum, t) => sum + t.size.reduce((p, d) => p * d, 1), 0),
    dtypes,
    tensors: tensors.map((t) => ({ fqn: t.fqn, size: [...t.size], dtype: t.dtype, chunks: t.chunks })),
    bytes_entries: [...(parsed?.bytesEntries ?? [])],
    storage_items: parsed?.storage.length ?? 0,
    storage_files_referenced: problems.referenced,
    storage_files_missing: problems.missing,
    storage_files_short: problems.short,
    bytes_values: parsed ? bytesValues(view, parsed, inflate) : {},
    complete,
    complete_reason: reason,
  };
}

/**
 * A torch distributed checkpoint directory (DCP; FSDP, torchtitan `step-N/`): complete iff `.metadata` exists
 * and every storage file it names holds the bytes it places there. Reads `.metadata` and small BYTE_IO items only.
 */
export function dcpReport(
  view: DirectoryView,
  options: { base: CheckpointReport; dirName?: string; inflate?: InflateRaw },
): CheckpointReport {
  const names = view.names().filter((name) => !name.includes("/"));
  const metadata = readMetadataFile(view, names);
  const dcp = dcpFacts(view, names, metadata, options.inflate);
  const step = stepOf(dcp.bytes_values, options.dirName);
  let report: CheckpointReport = {
    ...options.base,
    container: "dcp-dir",
    framework: "torch-dcp",
    framework_confidence: metadata === undefined ? 0.6 : 1,
    ...(step === undefined ? {} : { global_step: step }),
    dcp,
  };
  if (typeof metadata === "object") report = withScanVerdict(report, scanPickleGlobals(metadata.bytes));
  return judgedDirectoryReport(report, { complete: dcp.complete, reason: dcp.complete_reason });
}
