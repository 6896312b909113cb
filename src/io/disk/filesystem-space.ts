import { statfsSync } from "node:fs";
import { findMount, parseMountInfo } from "../../core/catalog/mount-info.ts";
import type { FilesystemSpace } from "../../core/disk/disk-usage.ts";
import { readProcMountInfo } from "../catalog-location.ts";
import { realPathSync } from "../fs-path.ts";

/**
 * Free and total bytes of the filesystem holding `path` (what an unprivileged writer may still use, as `df`'s
 * "Avail"), and its mount point from the kernel's mount table (the path itself where there is none); null when
 * the filesystem cannot be asked.
 */
export function filesystemSpace(
  path: string,
  mountInfo: string | null = readProcMountInfo(),
): FilesystemSpace | null {
  try {
    const stats = statfsSync(path);
    const real = realPathSync(path);
    const mount = mountInfo === null ? null : findMount(parseMountInfo(mountInfo), real);
    return {
      mount_point: mount?.mountPoint ?? real,
      free_bytes: stats.bavail * stats.bsize,
      total_bytes: stats.blocks * stats.bsize,
    };
  } catch {
    return null;
  }
}
