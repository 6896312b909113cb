import { assertNever } from "../assert-never.ts";
import type { ByteSource } from "../bytes/byte-source.ts";
import { hasBytesAt, readU64 } from "../bytes/little-endian.ts";
import { GGUF_MAGIC } from "./gguf/gguf-header.ts";
import { looksLikeOnnx } from "./onnx/onnx-model.ts";
import { SAFETENSORS_MAX_HEADER_BYTES } from "./safetensors.ts";
import { ZIP_SIGNATURES } from "./zip-directory.ts";

/** `container` values in output JSON (and the fixtures' truth files). Directories are recognised elsewhere. */
export const CONTAINER_NAMES = [
  "zip",
  "pickle",
  "tar",
  "safetensors",
  "empty",
  "text",
  "unknown",
  "hf-dir",
  "lightning-sharded-dir",
  "gguf",
  "onnx",
  "deepspeed-dir",
  "dcp-dir",
  "accelerate-dir",
  "peft-adapter-dir",
  "megatron-dir",
  "orbax-dir",
  "tf-checkpoint-dir",
] as const;
export type ContainerName = (typeof CONTAINER_NAMES)[number];

export const SNIFF_KINDS = [
  "zip",
  "legacy-torch-pickle",
  "pickle",
  "legacy-tar",
  "safetensors",
  "empty",
  "text",
  "binary-unknown",
  "gguf",
  "onnx",
] as const;
export type SniffKind = (typeof SNIFF_KINDS)[number];

export type SniffResult = {
  readonly kind: SniffKind;
  readonly container: ContainerName;
  /** Short machine-readable cause, e.g. `zip-local-header`, `git-lfs-pointer`. */
  readonly code: string;
  /** One human sentence: what the first bytes showed. */
  readonly reason: string;
};

/** `0x1950A86A20F9469CFC6C` as pickle LONG1 (`8A 0A` + 10 LE bytes): `torch/serialization.py MAGIC_NUMBER`. */
const LEGACY_TORCH_MAGIC = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const GIT_LFS_POINTER = "version https://git-lfs.github.com/spec/v1";
const HEAD_BYTES = 512;
const TAR_MAGIC = [0x75, 0x73, 0x74, 0x61, 0x72]; // "ustar" at 257

export function containerOf(kind: SniffKind): ContainerName {
  switch (kind) {
    case "zip":
    case "safetensors":
    case "empty":
    case "text":
    case "pickle":
    case "gguf":
    case "onnx":
      return kind;
    case "legacy-torch-pickle":
      return "pickle";
    case "legacy-tar":
      return "tar";
    case "binary-unknown":
      return "unknown";
    default:
      return assertNever(kind);
  }
}

const result = (kind: SniffKind, code: string, reason: string): SniffResult => ({
  kind,
  container: containerOf(kind),
  code,
  reason,
});

/** Classifies a file by its first bytes and size, never by its name. Reads at most 512 bytes. */
export function sniffBytes(source: ByteSource): SniffResult {
  if (source.size === 0) return result("empty", "empty", "the file is empty (0 bytes)");
  const head = source.read(0, HEAD_BYTES);
  if (hasBytesAt(head, 0, ZIP_SIGNATURES.local))
    return result("zip", "zip-local-header", "starts with a ZIP local file header (PK\\3\\4)");
  if (hasBytesAt(head, 0, ZIP_SIGNATURES.end))
    return result("zip", "zip-empty-archive", "starts with a ZIP end record (an empty archive)");
  const pickle = sniffPickle(head);
  if (pickle !== undefined) return pickle;
  if (hasBytesAt(head, 257, TAR_MAGIC))
    return result("legacy-tar", "ustar", "POSIX tar (ustar at offset 257): pre-0.4 torch.save");
  if (hasBytesAt(head, 0, GGUF_MAGIC))
    return result("gguf", "gguf-magic", "starts with the GGUF magic (a llama.cpp/ggml model file)");
  if (looksLikeSafetensors(head))
    return result("safetensors", "safetensors-header", "u64 header length followed by a JSON object");
  // After safetensors: a u64 header length can open with bytes that read as protobuf fields.
  if (looksLikeOnnx(head))
    return result(
      "onnx",
      "onnx-model-proto",
      "a protobuf ModelProto opening with ir_version (an ONNX model)",
    );
  if (head[0] === 0x1f && head[1] === 0x8b)
    return result(
      "binary-unknown",
      "gzip",
      "gzip-compressed data (a .nemo saved by NeMo before 1.7 is a tar.gz; ckpt does not decompress archives, `tar tzf` lists it)",
    );
  return sniffText(head);
}

function sniffPickle(head: Uint8Array): SniffResult | undefined {
  const protocol = head[0] === 0x80 ? head[1] : undefined;
  if (protocol === undefined || protocol < 2 || protocol > 5) return undefined;
  // Protocol 4+ opens with a FRAME opcode (0x95 + u64 length) before the magic.
  const magicAt = head[2] === 0x95 ? 11 : 2;
  if (hasBytesAt(head, magicAt, LEGACY_TORCH_MAGIC))
    return result(
      "legacy-torch-pickle",
      "torch-legacy-magic",
      `pickle protocol ${protocol} opening with torch's legacy magic number (torch < 1.6 format)`,
    );
  return result(
    "pickle",
    "pickle-proto",
    `pickle protocol ${protocol} (PROTO opcode), not a torch.save file`,
  );
}

function looksLikeSafetensors(head: Uint8Array): boolean {
  if (head.length < 9) return false;
  const length = readU64(head, 0);
  if (length === undefined || length < 2 || length > SAFETENSORS_MAX_HEADER_BYTES) return false;
  // The Rust reader tolerates leading JSON whitespace before '{'.
  for (let at = 8; at < head.length; at++) {
    const byte = head[at];
    if (byte === 0x7b) return true;
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false;
  }
  return false;
}

function sniffText(head: Uint8Array): SniffResult {
  // A 512-byte window may cut a multi-byte character; drop up to 3 trailing bytes of an incomplete sequence.
  let text: string | undefined;
  for (let cut = 0; cut < 4 && text === undefined; cut++) {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, head.length - cut));
    } catch {
      text = undefined;
    }
  }
  const controls =
    text === undefined ? 1 : [...text].filter((c) => c < " " && !"\t\n\r\f".includes(c)).length;
  if (text === undefined || controls > 0)
    return result(
      "binary-unknown",
      "unknown-magic",
      `unrecognised binary content (first bytes ${hex(head.subarray(0, 8))})`,
    );
  if (text.startsWith(GIT_LFS_POINTER))
    return result(
      "text",
      "git-lfs-pointer",
      "a Git LFS pointer, not the file itself; run `git lfs pull` to fetch it",
    );
  return result("text", "utf8-text", "UTF-8 text, not a checkpoint");
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join(" ");
}
