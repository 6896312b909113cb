import { SIDECAR_WORTHY_STATUSES } from "../catalog/catalog-constants.ts";
import type { CatalogEntry } from "../catalog/catalog-entry.ts";
import { formatAge } from "../catalog/human-units.ts";
import { isFrameworkBestFile, isLastFile } from "../metrics/framework-best-file.ts";

/** A file that names a checkpoint: a symlink (`last.ckpt`), DeepSpeed `latest`, Megatron's tracker, HF's best. */
export type RetentionPointer = {
  /** The checkpoint named, or a directory whose checkpoints are all named (a DeepSpeed tag, a Megatron iter_N). */
  readonly target: string;
  /** How the reason says it: `last.ckpt`, `latest`, `best_model_checkpoint`. */
  readonly name: string;
};

/** Pointer names by the path they name (a checkpoint or a directory), and the shortest such path's length. */
export type PointerIndex = {
  readonly byTarget: ReadonlyMap<string, readonly string[]>;
  readonly shortest: number;
};

/** What protects checkpoints whatever the rules say; every field is computed once per plan. */
export type ProtectionContext = {
  readonly now: number;
  /** Checkpoints changed more recently than this are not settled yet. */
  readonly settleMs: number;
  readonly activeWindowMs: number;
  readonly includeActive: boolean;
  readonly pointers: PointerIndex;
};

/** The context for one run's checkpoints: why the whole run is left alone, if it is (said once per run). */
export type RunProtection = ProtectionContext & { readonly runActive: string | null };

/**
 * Why every checkpoint of a run stays: a checkpoint or log file of it changed within the active window (`activity`:
 * the newest such change, epoch ms), unless active runs are included. Null when the run may be pruned.
 */
export function runActiveReason(activity: number, context: ProtectionContext): string | null {
  if (context.includeActive || !(context.now - activity < context.activeWindowMs)) return null;
  return `run active (a file changed ${formatAge(context.now, activity)} ago)`;
}

/** Whether the checkpoint was read whole: only those are ranked, counted as the latest, or deleted. */
export function isComplete(entry: CatalogEntry): boolean {
  return (SIDECAR_WORTHY_STATUSES as readonly string[]).includes(entry.status) && entry.alias_of === null;
}

/** Pointer names by target: a symlink/hard-link row names its target, the pointers given name theirs. */
export function pointerIndex(
  entries: readonly CatalogEntry[],
  pointers: readonly RetentionPointer[],
): PointerIndex {
  const byTarget = new Map<string, string[]>();
  let shortest = Number.POSITIVE_INFINITY;
  const add = (target: string, name: string) => {
    byTarget.set(target, [...(byTarget.get(target) ?? []), name]);
    shortest = Math.min(shortest, target.length);
  };
  for (const entry of entries) if (entry.alias_of !== null) add(entry.alias_of, baseName(entry.path));
  for (const pointer of pointers) add(pointer.target.replace(/\/+$/, ""), pointer.name);
  return { byTarget, shortest };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * Names of the pointers that name the entry itself or a directory it lies in (looked up per ancestor, down to the
 * shortest path any pointer names).
 */
function pointedBy(entry: CatalogEntry, pointers: PointerIndex): readonly string[] {
  if (pointers.byTarget.size === 0) return NONE;
  let names: string[] | null = null;
  const path = entry.path;
  for (let end = path.length; end > 0 && end >= pointers.shortest; end = path.lastIndexOf("/", end - 1)) {
    const found = pointers.byTarget.get(end === path.length ? path : path.slice(0, end));
    if (found === undefined) continue;
    names ??= [];
    for (const name of found) if (!names.includes(name)) names.push(name);
  }
  return names ?? NONE;
}

/** No pointer names it: one list for all such checkpoints. */
const NONE: readonly string[] = [];

/**
 * Why an entry must stay whatever the rules say (each reason once), added to `reasons` (none when nothing
 * protects it). The newest complete checkpoint of the run is protected by the plan, which knows the run's order.
 */
export function addProtections(entry: CatalogEntry, context: RunProtection, reasons: string[]): void {
  if (entry.alias_of !== null) reasons.push(`link to ${baseName(entry.alias_of)}`);
  else if (entry.status === "incomplete") reasons.push("incomplete: still being written");
  else if (!isComplete(entry)) reasons.push(`status ${entry.status}: never pruned`);
  // The files a framework rewrites in place: its resume point (`last.ckpt`, `last.pt`) and its own best.
  if (isLastFile(entry.path)) reasons.push(`resume point (${baseName(entry.path)})`);
  if (isFrameworkBestFile(entry.framework, entry.path)) reasons.push(`the framework's best file`);
  if (context.now - entry.mtime_ms < context.settleMs)
    reasons.push(`not settled (changed ${formatAge(context.now, entry.mtime_ms)} ago)`);
  for (const name of pointedBy(entry, context.pointers)) reasons.push(`target of ${name}`);
  if (context.runActive !== null) reasons.push(context.runActive);
}
