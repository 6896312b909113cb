import { assertNever } from "../assert-never.ts";
import { type ByteSource, countingSource } from "../bytes/byte-source.ts";
import { readSafetensorsHeader, summarizeSafetensors } from "../formats/safetensors.ts";
import { type SniffResult, sniffBytes } from "../formats/sniff.ts";
import { readTorchZipCheckpoint } from "../formats/torch-checkpoint.ts";
import { readLegacyTorchCheckpoint } from "../formats/torch-legacy.ts";
import type { TorchReadError } from "../formats/torch-pickle-result.ts";
import type { Crc32, InflateRaw } from "../formats/zip-entry-reader.ts";
import { scanPickleGlobals } from "../safety/pickle-global-scan.ts";
import type { CheckpointReport, ReportErrorCode, ReportStatus } from "./checkpoint-report.ts";
import { ggufReport, kerasReport, nemoReport, onnxReport } from "./exported-report.ts";
import { emptyReport, failedReport } from "./report-outcome.ts";
import { fillTorchReport, withScanVerdict } from "./torch-report.ts";

export type BuildCheckpointReportOptions = {
  /** Shown in the report and in every error message. @default "<bytes>" */
  readonly path?: string;
  /** Raw-deflate decoder for re-zipped archives (io passes `zlib.inflateRawSync`). */
  readonly inflate?: InflateRaw;
  /** CRC-32 for data.pkl's check (io passes a native one). @default the script one in crc32.ts */
  readonly crc32?: Crc32;
};

/** Plain pickles (not torch.save) are scanned for safety up to this size, never interpreted. */
const PLAIN_PICKLE_SCAN_BYTES = 64 * 1024 * 1024;

/**
 * Everything ckpt can learn about one checkpoint file from its bytes, never executing a pickle and never
 * reading tensor payloads (0-d scalars aside). Sniffs by content, not name. Never throws: any failure, even
 * an internal one, is a report with a non-ok status.
 */
export function buildCheckpointReport(
  source: ByteSource,
  options: BuildCheckpointReportOptions = {},
): CheckpointReport {
  const counting = countingSource(source);
  const path = options.path ?? "<bytes>";
  let report: CheckpointReport;
  try {
    report = reportBySniff(counting, { ...options, path }, sniffBytes(counting));
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    report = failedReport(emptyReport({ path, container: "unknown", size: source.size }), {
      status: "corrupt",
      code: "internal",
      message: `the reader failed unexpectedly (${detail}); please report this with the file`,
    });
  }
  // Every branch returns a report of its own (never a shared one), so the count is written in place.
  report.bytes_read = counting.bytesRead();
  return report;
}

type Options = BuildCheckpointReportOptions & { readonly path: string };

function reportBySniff(source: ByteSource, options: Options, sniffed: SniffResult): CheckpointReport {
  const base = emptyReport({ path: options.path, container: sniffed.container, size: source.size });
  const notCheckpoint = (code: ReportErrorCode, advice: string) =>
    failedReport(base, { status: "not-a-checkpoint", code, message: `${sniffed.reason}; ${advice}` });
  switch (sniffed.kind) {
    case "zip":
      return zipReport(base, source, options);
    case "legacy-torch-pickle":
      return torchReport(base, readLegacyTorchCheckpoint(source));
    case "safetensors":
      return safetensorsReport(base, source);
    case "pickle":
      return plainPickleReport(source, notCheckpoint("plain-pickle", "ckpt reads torch.save files only"));
    case "empty":
      return notCheckpoint(
        "empty",
        "a checkpoint being written starts empty: retry once the writer finishes",
      );
    case "text":
      return sniffed.code === "git-lfs-pointer"
        ? notCheckpoint("git-lfs-pointer", "fetch the real file")
        : notCheckpoint("text", "point ckpt at a .ckpt/.pt/.pth/.safetensors file");
    case "legacy-tar":
      return (
        nemoReport(base, source) ??
        notCheckpoint("legacy-tar", "load it with an old torch and re-save it with torch ≥ 1.6")
      );
    case "binary-unknown":
      return notCheckpoint("unknown-format", "not a torch, safetensors, GGUF, ONNX or pickle file");
    case "gguf":
      return ggufReport(base, source);
    case "onnx":
      return onnxReport(base, source);
    default:
      return assertNever(sniffed.kind);
  }
}

/** A torch.save zip, else a Keras 3 `.keras` archive, else another zip (not a checkpoint). */
function zipReport(base: CheckpointReport, source: ByteSource, options: Options): CheckpointReport {
  const inflate = options.inflate ? { inflate: options.inflate } : {};
  const torch = readTorchZipCheckpoint(
    source,
    options.crc32 ? { ...inflate, crc32: options.crc32 } : inflate,
  );
  const keras =
    !torch.success && torch.error.code === "other-zip"
      ? kerasReport(base, { source, ...inflate })
      : undefined;
  return keras ?? torchReport(base, torch);
}

const TORCH_READ_STATUS: Readonly<Record<TorchReadError["code"], ReportStatus>> = {
  "zip-incomplete": "incomplete",
  "zip-corrupt": "corrupt",
  "missing-data-pkl": "corrupt",
  "other-zip": "not-a-checkpoint",
  "legacy-incomplete": "incomplete",
  "legacy-corrupt": "corrupt",
  "pickle-too-large": "too-large",
};

const TORCH_READ_ADVICE: Readonly<Record<TorchReadError["code"], string>> = {
  "zip-incomplete":
    "if training is still writing it, retry when it finishes; otherwise re-save the checkpoint",
  "zip-corrupt": "re-save or re-download the checkpoint",
  "missing-data-pkl": "re-save the checkpoint with torch.save",
  "other-zip": "point ckpt at a torch.save checkpoint",
  "legacy-incomplete": "if it is still being written, retry when it finishes; otherwise re-save it",
  "legacy-corrupt": "re-save or re-download the checkpoint",
  "pickle-too-large": "the checkpoint may be fine: load it in Python to see its contents",
};

function torchReport(
  base: CheckpointReport,
  read: ReturnType<typeof readTorchZipCheckpoint>,
): CheckpointReport {
  if (!read.success) {
    const { code, message, scan } = read.error;
    const failed = failedReport(base, {
      status: TORCH_READ_STATUS[code],
      code,
      message: `${message} (${TORCH_READ_ADVICE[code]})`,
    });
    return scan === undefined ? failed : withScanVerdict(failed, scan);
  }
  return fillTorchReport(base, read.data);
}

function safetensorsReport(base: CheckpointReport, source: ByteSource): CheckpointReport {
  const header = readSafetensorsHeader(source);
  const safety = { status: "safe" as const, dangerous: [], unknown: [], notes: [] };
  if (!header.success) {
    const { code, message } = header.error;
    const [status, reportCode] =
      code === "incomplete"
        ? (["incomplete", "safetensors-incomplete"] as const)
        : code === "over-cap"
          ? (["too-large", "safetensors-too-large"] as const)
          : (["corrupt", "safetensors-corrupt"] as const);
    return failedReport({ ...base, safety }, { status, code: reportCode, message });
  }
  return {
    ...base,
    framework: "safetensors",
    framework_confidence: 1,
    safety,
    safetensors: summarizeSafetensors(header.data),
  };
}

/** Not a checkpoint, but a pickle can still be hostile: scan it and say so. */
function plainPickleReport(source: ByteSource, report: CheckpointReport): CheckpointReport {
  return withScanVerdict(
    report,
    scanPickleGlobals(source.read(0, Math.min(source.size, PLAIN_PICKLE_SCAN_BYTES))),
  );
}
