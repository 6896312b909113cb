import * as nodeFs from "node:fs";
import { fsPath } from "./fs-path.ts";

/** The calls a directory sync makes: node's, or a test's that fails on purpose. */
export type DirectorySyncFs = Pick<typeof nodeFs, "openSync" | "fsyncSync" | "closeSync">;

/**
 * Makes a rename durable: the directory that lost or gained a name is flushed. A filesystem that cannot sync a
 * directory (some refuse) still renamed atomically, so a failure here is not one.
 */
export function syncDirectory(path: string, fs: DirectorySyncFs = nodeFs): void {
  try {
    const descriptor = fs.openSync(fsPath(path), "r");
    try {
      fs.fsyncSync(descriptor);
    } finally {
      fs.closeSync(descriptor);
    }
  } catch {
    // Not syncable: the rename stands.
  }
}
