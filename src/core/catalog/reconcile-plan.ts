import { inodeKey } from "../discovery/checkpoint-aliases.ts";
import type { FileFacts } from "./catalog-entry.ts";

/** A path as the walk found it now, or as the catalog last recorded it. */
export type ScannedFile = FileFacts & {
  /** Whether the checkpoint's sidecar exists: a sidecar appearing or vanishing makes the entry change. */
  readonly sidecar_present: boolean;
  /** Whether the path itself is a symlink, when the walk knows (then readers need not look again). */
  readonly symlink?: boolean;
  /**
   * Whether NeMo's `-unfinished` marker for it was in its directory's listing, when the walk knows (false: it was
   * not, so the reader does not look for it).
   */
  readonly unfinishedMarker?: boolean;
  /** The catalog's rows only: the checkpoint was read whole (ok or unsafe), so a sidecar can be written for it. */
  readonly assemblable?: boolean;
};

/** `sidecar`: the file is unchanged but has no sidecar, and this scan writes them. */
export type ReadReason = "added" | "changed" | "sidecar";

export type PlannerOptions = {
  /** Re-read unchanged checkpoints that have metadata but no sidecar (a scan that writes sidecars). */
  readonly backfillSidecars: boolean;
};

export type ReconcilePlan = {
  /** Checkpoints whose metadata must be (re)built: new paths, or size, mtime, inode or sidecar changed. */
  readonly read: readonly { readonly file: ScannedFile; readonly reason: ReadReason }[];
  /** A known (dev, ino) under a new path, its old path gone: the row moves, nothing is re-read. */
  readonly renamed: readonly { readonly from: string; readonly file: ScannedFile }[];
  /** Hard links and symlinks to a checkpoint listed under another path: rows without metadata of their own. */
  readonly aliases: readonly { readonly file: ScannedFile; readonly reason: ReadReason }[];
  readonly removed: readonly string[];
  readonly unchanged: number;
};

function sameFacts(a: ScannedFile, b: ScannedFile): boolean {
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtime_ms === b.mtime_ms &&
    a.kind === b.kind &&
    a.sidecar_present === b.sidecar_present
  );
}

/**
 * Builds the reconcile plan a batch at a time (the scan feeds it one directory of the walk and that directory's
 * rows, so a rescan of 100k never holds the tree), then pairs vanished rows with new paths into renames.
 * A rename keeps its row only when (dev, ino), size and mtime all match, so a replaced file is always re-read.
 */
export class ReconcilePlanner {
  private readonly read: { file: ScannedFile; reason: ReadReason }[] = [];
  private readonly aliases: { file: ScannedFile; reason: ReadReason }[] = [];
  private readonly newPaths: ScannedFile[] = [];
  private readonly gone: ScannedFile[] = [];
  private unchanged = 0;

  private readonly options: PlannerOptions;

  constructor(options: PlannerOptions = { backfillSidecars: false }) {
    this.options = options;
  }

  /** Compares the catalog's rows for some paths (a directory's, or any set) with what the walk found there. */
  compare(previous: Iterable<ScannedFile>, current: readonly ScannedFile[]): void {
    const index = new Map<string, number>();
    current.forEach((file, at) => {
      index.set(file.path, at);
    });
    // Per current file: 0 new, 1 unchanged, 2 changed, 3 unchanged but its sidecar is to be written.
    const verdict = new Uint8Array(current.length);
    for (const old of previous) {
      const at = index.get(old.path);
      const file = at === undefined ? undefined : current[at];
      if (at === undefined || file === undefined) {
        this.gone.push(old);
        continue;
      }
      const sameRole = file.alias_of === null ? old.alias_of === null : old.alias_of === file.alias_of;
      verdict[at] = !(sameRole && sameFacts(old, file)) ? 2 : this.wantsSidecar(old, file) ? 3 : 1;
    }
    current.forEach((file, at) => {
      const seen = verdict[at];
      if (seen === 1) this.unchanged++;
      else if (seen === 3) {
        this.unchanged++;
        this.read.push({ file, reason: "sidecar" });
      } else if (file.alias_of !== null)
        this.aliases.push({ file, reason: seen === 0 ? "added" : "changed" });
      else if (seen === 2) this.read.push({ file, reason: "changed" });
      else this.newPaths.push(file);
    });
  }

  /** A row cached by a read-only pass (`ckpt ls DIR`) gets the sidecar a writing scan would have written. */
  private wantsSidecar(old: ScannedFile, file: ScannedFile): boolean {
    return (
      this.options.backfillSidecars &&
      file.alias_of === null &&
      !file.sidecar_present &&
      old.assemblable === true
    );
  }

  /** Checkpoints found so far that will be read (new or changed), before renames are paired off. */
  get pendingReads(): number {
    return this.read.length + this.newPaths.length;
  }

  /** Rows whose paths the walk no longer finds (their directory is gone): removed, or renamed elsewhere. */
  vanished(rows: Iterable<ScannedFile>): void {
    for (const row of rows) this.gone.push(row);
  }

  plan(): ReconcilePlan {
    const read = [...this.read];
    const { renamed, consumed } = matchRenames(this.gone, this.newPaths, read);
    const removed = this.gone.filter((row) => !consumed.has(row.path)).map((row) => row.path);
    return { read, renamed, aliases: [...this.aliases], removed, unchanged: this.unchanged };
  }
}

/** The whole comparison at once: the catalog's rows under the scanned roots against everything the walk found. */
export function planReconcile(
  previous: Iterable<ScannedFile>,
  current: readonly ScannedFile[],
): ReconcilePlan {
  const planner = new ReconcilePlanner();
  planner.compare(previous, current);
  return planner.plan();
}

/** New paths whose (dev, ino), size and mtime belong to a vanished primary are renames; the rest are read. */
function matchRenames(
  gone: readonly ScannedFile[],
  newPaths: readonly ScannedFile[],
  read: { file: ScannedFile; reason: ReadReason }[],
): { renamed: { from: string; file: ScannedFile }[]; consumed: Set<string> } {
  const vanished = new Map<string, ScannedFile>();
  if (newPaths.length > 0) {
    for (const row of gone) if (row.alias_of === null) vanished.set(inodeKey(row), row);
  }
  const renamed: { from: string; file: ScannedFile }[] = [];
  const consumed = new Set<string>();
  for (const file of newPaths) {
    const origin = vanished.get(inodeKey(file));
    if (origin !== undefined && !consumed.has(origin.path) && sameContent(origin, file)) {
      consumed.add(origin.path);
      renamed.push({ from: origin.path, file });
    } else {
      read.push({ file, reason: "added" });
    }
  }
  return { renamed, consumed };
}

function sameContent(a: ScannedFile, b: ScannedFile): boolean {
  return a.size === b.size && a.mtime_ms === b.mtime_ms && a.kind === b.kind;
}
