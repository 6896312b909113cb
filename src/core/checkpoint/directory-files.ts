import type { ByteSource } from "../bytes/byte-source.ts";
import type { DirectoryView } from "../formats/hf-checkpoint-dir.ts";
import { sniffBytes } from "../formats/sniff.ts";
import { readTorchZipCheckpoint } from "../formats/torch-checkpoint.ts";
import { readLegacyTorchCheckpoint } from "../formats/torch-legacy.ts";
import type { TorchPickleRead } from "../formats/torch-pickle-result.ts";
import type { InflateRaw } from "../formats/zip-entry-reader.ts";

/** Reads a torch file inside a directory (zip or legacy); undefined when absent or unreadable. */
export function readTorchFile(
  view: DirectoryView,
  options: { name: string; inflate?: InflateRaw | undefined },
): TorchPickleRead | undefined {
  const source: ByteSource | undefined = view.open(options.name);
  if (source === undefined) return undefined;
  const kind = sniffBytes(source).kind;
  const read =
    kind === "zip"
      ? readTorchZipCheckpoint(source, options.inflate ? { inflate: options.inflate } : {})
      : kind === "legacy-torch-pickle"
        ? readLegacyTorchCheckpoint(source)
        : undefined;
  return read?.success ? read.data : undefined;
}
