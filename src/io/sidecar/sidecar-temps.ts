import { statSync, unlinkSync } from "node:fs";
import { isSidecarTempFileName } from "../../core/metadata/sidecar-path.ts";
import { fsPath, readDirectoryNames } from "../fs/fs-path.ts";

/** The file calls the sweep makes; tests pass failing ones. @default node:fs */
export type TempSweepFs = {
  readonly readdirSync: (path: string) => string[];
  readonly statSync: (path: string) => { readonly mtimeMs: number };
  readonly unlinkSync: (path: string) => void;
};

// Names in ckpt's spelling, so a temp file beside a checkpoint whose name is not valid UTF-8 is found too.
const nodeFs: TempSweepFs = {
  readdirSync: readDirectoryNames,
  statSync: (path) => statSync(fsPath(path)),
  unlinkSync: (path) => unlinkSync(fsPath(path)),
};

// A module of its own, without the YAML and schema code the sidecar writer loads: the daemon sweeps at start,
// before it has anything to read.
/** Deletes our temp files in `directory` older than `olderThanMs` (a writer may still own newer ones). */
export function removeStaleSidecarTemps(
  directory: string,
  options: { readonly olderThanMs?: number; readonly now?: () => number; readonly fs?: TempSweepFs } = {},
): string[] {
  const fs = options.fs ?? nodeFs;
  const cutoff = (options.now ?? Date.now)() - (options.olderThanMs ?? 60_000);
  let names: string[];
  try {
    names = fs.readdirSync(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.filter(isSidecarTempFileName)) {
    const path = `${directory}/${name}`;
    try {
      if (fs.statSync(path).mtimeMs > cutoff) continue;
      fs.unlinkSync(path);
      removed.push(path);
    } catch {
      // Gone already or not ours to remove; either way nothing to clean.
    }
  }
  return removed;
}
