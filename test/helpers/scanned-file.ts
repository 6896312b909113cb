import { lstatSync, statSync } from "node:fs";
import type { ScannedFile } from "../../src/core/catalog/reconcile-plan.ts";

/** A regular file as the walk reports it: its facts through a symlink, and whether the path itself is one. */
export function scannedFileAt(
  path: string,
  options: { readonly sidecarPresent?: boolean } = {},
): ScannedFile {
  const stats = statSync(path);
  return {
    path,
    kind: "file",
    dev: stats.dev,
    ino: stats.ino,
    size: stats.size,
    mtime_ms: stats.mtimeMs,
    alias_of: null,
    sidecar_present: options.sidecarPresent ?? false,
    symlink: lstatSync(path).isSymbolicLink(),
  };
}
