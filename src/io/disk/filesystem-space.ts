import { realpathSync, statfsSync, statSync } from "node:fs";
import { findMount, type MountEntry, parseMountInfo } from "../../core/catalog/mount-info.ts";
import type { FilesystemSpace as UsageFilesystemSpace } from "../../core/disk/disk-usage.ts";
import type { FilesystemSpace } from "../../core/health/fill-forecast.ts";
import { readProcMountInfo } from "../catalog/catalog-location.ts";

/** A filesystem found from one of the probed paths: its device number (the catalog's `dev`) and its space. */
export type ProbedFilesystem = FilesystemSpace & { readonly dev: number; readonly probe: string };

export type SpaceProbe = {
  readonly filesystems: ProbedFilesystem[];
  /** Paths that could not be stat'ed or statfs'ed, with the error. */
  readonly unmeasured: { readonly path: string; readonly problem: string }[];
  /** The device each measured path is on now. */
  readonly devOf: Map<string, number>;
};

type StatFs = ReturnType<typeof statfsSync>;

/** Bytes per block: the fragment size where the runtime reports it (statvfs(3) counts blocks in it), else bsize. */
function blockBytes(stats: StatFs): number {
  const fragment = (stats as { frsize?: unknown }).frsize;
  return typeof fragment === "number" && fragment > 0 ? fragment : Number(stats.bsize);
}

function probeOne(path: string, mounts: readonly MountEntry[] | null): ProbedFilesystem {
  const dev = statSync(path).dev;
  const stats = statfsSync(path);
  const block = blockBytes(stats);
  const mount = mounts === null ? null : findMount(mounts, realpathSync(path));
  return {
    dev,
    probe: path,
    mountPoint: mount?.mountPoint ?? path,
    fsType: mount?.fsType ?? "unknown",
    // bavail, not bfree: what an unprivileged writer (the training job) can still use, as `df` shows.
    freeBytes: Number(stats.bavail) * block,
    totalBytes: Number(stats.blocks) * block,
  };
}

/**
 * Free space of the filesystems holding `paths`, one per device: two roots on one disk are one filesystem.
 * Read-only: stat, statfs and /proc/self/mountinfo.
 */
export function probeFilesystems(
  paths: readonly string[],
  readMountInfo: () => string | null = readProcMountInfo,
): SpaceProbe {
  // Parsed once for all paths: the table has a line per mount, and a catalog may name many devices.
  const mountInfo = readMountInfo();
  const mounts = mountInfo === null ? null : parseMountInfo(mountInfo);
  const byDev = new Map<number, ProbedFilesystem>();
  const unmeasured: SpaceProbe["unmeasured"] = [];
  const devOf = new Map<string, number>();
  for (const path of paths) {
    try {
      const probed = probeOne(path, mounts);
      devOf.set(path, probed.dev);
      if (!byDev.has(probed.dev)) byDev.set(probed.dev, probed);
    } catch (error) {
      unmeasured.push({ path, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  return { filesystems: [...byDev.values()], unmeasured, devOf };
}

/**
 * The filesystem holding one path, as `du` and the standing retention policy report it (snake_case, as in their
 * JSON); null when it cannot be asked. The same probe as the health report's.
 */
export function filesystemSpace(
  path: string,
  readMountInfo: () => string | null = readProcMountInfo,
): UsageFilesystemSpace | null {
  const [probed] = probeFilesystems([path], readMountInfo).filesystems;
  if (probed === undefined) return null;
  return { mount_point: probed.mountPoint, free_bytes: probed.freeBytes, total_bytes: probed.totalBytes };
}
