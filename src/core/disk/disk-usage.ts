/** Bytes as `du -B1` (allocated: the blocks a file takes) and `du -B1 --apparent-size` (its length) count them. */
export type DiskBytes = { readonly apparent: number; readonly allocated: number };

export type FilesystemSpace = {
  readonly mount_point: string;
  readonly free_bytes: number;
  readonly total_bytes: number;
};

export type DuCheckpoint = {
  readonly path: string;
  /** The checkpoint plus its sidecar; a hard link already counted elsewhere adds nothing. */
  readonly allocated_bytes: number;
  readonly apparent_bytes: number;
  readonly sidecar_bytes: number;
};

export type DuRun = {
  readonly dir: string;
  readonly allocated_bytes: number;
  readonly apparent_bytes: number;
  readonly checkpoints: readonly DuCheckpoint[];
};

export type DuRoot = {
  readonly path: string;
  readonly allocated_bytes: number;
  readonly apparent_bytes: number;
  /** The filesystem the root is on, with its free space; null when it could not be asked. */
  readonly filesystem: FilesystemSpace | null;
  readonly runs: readonly DuRun[];
};

export type DuReport = {
  readonly roots: readonly DuRoot[];
  readonly allocated_bytes: number;
  readonly apparent_bytes: number;
};

/** One measured checkpoint with the root and run it belongs to. */
export type MeasuredCheckpoint = {
  readonly root: string;
  readonly run: string;
  readonly path: string;
  readonly checkpoint: DiskBytes;
  readonly sidecar: DiskBytes | null;
};

function biggestFirst<T extends { allocated_bytes: number; apparent_bytes: number }>(
  items: T[],
  name: (item: T) => string,
): T[] {
  return items.sort(
    (a, b) =>
      b.allocated_bytes - a.allocated_bytes ||
      b.apparent_bytes - a.apparent_bytes ||
      (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0),
  );
}

function sums(items: readonly { allocated_bytes: number; apparent_bytes: number }[]) {
  let allocated = 0;
  let apparent = 0;
  for (const item of items) {
    allocated += item.allocated_bytes;
    apparent += item.apparent_bytes;
  }
  return { allocated_bytes: allocated, apparent_bytes: apparent };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list === undefined) groups.set(key(item), [item]);
    else list.push(item);
  }
  return groups;
}

function toCheckpoint(measured: MeasuredCheckpoint): DuCheckpoint {
  const sidecar = measured.sidecar ?? { apparent: 0, allocated: 0 };
  return {
    path: measured.path,
    allocated_bytes: measured.checkpoint.allocated + sidecar.allocated,
    apparent_bytes: measured.checkpoint.apparent + sidecar.apparent,
    sidecar_bytes: sidecar.apparent,
  };
}

/**
 * Roots, runs and checkpoints with their byte totals, each level biggest first (allocated, then apparent, then
 * name). Every root asked for is listed, with no runs when it holds no checkpoints.
 */
export function summarizeDiskUsage(
  roots: readonly string[],
  measured: readonly MeasuredCheckpoint[],
  space: (root: string) => FilesystemSpace | null,
): DuReport {
  const byRoot = groupBy(measured, (item) => item.root);
  const reports = roots.map((root): DuRoot => {
    const runs = [...groupBy(byRoot.get(root) ?? [], (item) => item.run)].map(([dir, items]): DuRun => {
      const checkpoints = biggestFirst(items.map(toCheckpoint), (item) => item.path);
      return { dir, ...sums(checkpoints), checkpoints };
    });
    const sorted = biggestFirst(runs, (run) => run.dir);
    return { path: root, ...sums(sorted), filesystem: space(root), runs: sorted };
  });
  const sortedRoots = biggestFirst(reports, (root) => root.path);
  return { roots: sortedRoots, ...sums(sortedRoots) };
}
