import { assertNever } from "../assert-never.ts";
import type { ByteSource } from "../bytes/byte-source.ts";
import { checkGgufCompleteness } from "./gguf/gguf-completeness.ts";
import { checkTarCompleteness } from "./nemo/nemo-completeness.ts";
import { checkOnnxCompleteness } from "./onnx/onnx-completeness.ts";
import { readSafetensorsHeader } from "./safetensors.ts";
import { sniffBytes } from "./sniff.ts";
import { readZipDirectory, type ZipErrorCode } from "./zip-directory.ts";

export const COMPLETENESS_STATES = ["complete", "incomplete", "corrupt", "unknown"] as const;
export type CompletenessState = (typeof COMPLETENESS_STATES)[number];

/** The format's own verdict; the settle step also needs size/mtime stable across two looks. */
export type Completeness = { readonly state: CompletenessState; readonly reason: string };

export type CheckCompletenessOptions = {
  /**
   * Hook for legacy (torch < 1.6) files: "all pickles parse to EOF" needs the pickle reader, which core/formats
   * does not import here. Without it those files are `unknown`.
   */
  readonly checkLegacyTorchPickle?: (source: ByteSource) => Completeness;
};

/** Is this file finished, judged by its container format (formats.md §12)? Reads only the tail/header. */
export function checkFileCompleteness(
  source: ByteSource,
  options: CheckCompletenessOptions = {},
): Completeness {
  const sniffed = sniffBytes(source);
  switch (sniffed.kind) {
    case "zip":
      return checkZipCompleteness(source);
    case "safetensors":
      return checkSafetensorsCompleteness(source);
    case "gguf":
      return checkGgufCompleteness(source);
    case "onnx":
      return checkOnnxCompleteness(source);
    case "legacy-torch-pickle":
      return (
        options.checkLegacyTorchPickle?.(source) ?? {
          state: "unknown",
          reason: "legacy torch file: needs the pickle reader to check",
        }
      );
    case "empty":
      return { state: "incomplete", reason: "the file is empty; it may still be being written" };
    case "legacy-tar":
      return checkTarCompleteness(source);
    case "pickle":
    case "text":
    case "binary-unknown":
      return { state: "unknown", reason: `no completeness signal for this content (${sniffed.reason})` };
    default:
      return assertNever(sniffed.kind);
  }
}

function zipErrorState(code: ZipErrorCode): CompletenessState {
  switch (code) {
    case "no-central-directory":
    case "truncated":
      return "incomplete";
    case "corrupt-central-directory":
    case "too-many-entries":
    case "entry-out-of-bounds":
    case "overlapping-entries":
    case "unsafe-name":
    case "duplicate-name":
    case "corrupt-local-header":
    case "unsupported-method":
    case "entry-too-large":
    case "crc-mismatch":
    case "inflate-failed":
      return "corrupt";
    default:
      return assertNever(code);
  }
}

/** End record present (torch: exactly at `size-22`, ZIP64 locator at `size-42`), directory parses, entries in bounds. */
export function checkZipCompleteness(source: ByteSource): Completeness {
  const directory = readZipDirectory(source);
  if (!directory.success)
    return { state: zipErrorState(directory.error.code), reason: directory.error.message };
  const { endOffset, zip64, entries } = directory.data;
  const layout =
    endOffset === source.size - 22 && zip64 ? "end records at the tail" : "end record found before the tail";
  return { state: "complete", reason: `zip: ${layout}, ${entries.length} entries in bounds` };
}

/** `8 + N + max(end) == size`. */
export function checkSafetensorsCompleteness(source: ByteSource): Completeness {
  const header = readSafetensorsHeader(source);
  if (header.success)
    return {
      state: "complete",
      reason: `safetensors: 8 + ${header.data.headerLength} + ${header.data.dataSectionBytes} == ${source.size}`,
    };
  const state =
    header.error.code === "incomplete"
      ? "incomplete"
      : header.error.code === "over-cap"
        ? "unknown"
        : "corrupt";
  return { state, reason: header.error.message };
}
