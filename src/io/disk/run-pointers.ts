import { dirname } from "node:path";
import type { CatalogEntry } from "../../core/catalog/catalog-entry.ts";
import { INPUT_CAPS, type InputCap } from "../../core/input-caps.ts";
import {
  deepSpeedPointer,
  hfBestPointer,
  megatronPointer,
  POINTER_FILE_NAMES,
} from "../../core/retention/pointer-files.ts";
import type { RetentionPointer } from "../../core/retention/retention-protections.ts";
import { parseHfTrainerState } from "../../core/runs/hf-trainer-state.ts";
import { readText } from "../run-files/run-file-text.ts";
import { DirectoryListings } from "./directory-listings.ts";

/**
 * A pointer file or trainer_state.json as text, through the run files' reader: opened without blocking and only
 * if it is a regular file (a FIFO named `latest` is refused, never waited on), null when absent or over its cap.
 */
function readPointerText(path: string, cap: InputCap): string | null {
  const text = readText(path, cap);
  return text.success ? text.data : null;
}

/** A pointer file's text when the directory lists it (most directories list none: nothing is opened there). */
function listedPointerText(directory: string, name: string, listings: DirectoryListings): string | null {
  if (!listings.has(directory, name)) return null;
  return readPointerText(`${directory}/${name}`, INPUT_CAPS.pointerFile);
}

/** DeepSpeed `latest` and Megatron's tracker in each directory that holds checkpoints or their tag directories. */
function trackerPointers(directories: ReadonlySet<string>, listings: DirectoryListings): RetentionPointer[] {
  const pointers: RetentionPointer[] = [];
  for (const directory of directories) {
    const latest = listedPointerText(directory, POINTER_FILE_NAMES.deepspeed, listings);
    const deepSpeed = latest === null ? null : deepSpeedPointer(directory, latest);
    if (deepSpeed !== null) pointers.push(deepSpeed);
    const tracker = listedPointerText(directory, POINTER_FILE_NAMES.megatron, listings);
    const megatron = tracker === null ? null : megatronPointer(directory, tracker);
    if (megatron !== null) pointers.push(megatron);
  }
  return pointers;
}

/** The newest HF checkpoint directory of each output dir says which checkpoint is the best. */
function hfBestPointers(entries: readonly CatalogEntry[]): RetentionPointer[] {
  const newest = new Map<string, CatalogEntry>();
  for (const entry of entries) {
    if (entry.kind !== "hf-dir") continue;
    const output = dirname(entry.path);
    const known = newest.get(output);
    if (known === undefined || (entry.global_step ?? -1) > (known.global_step ?? -1))
      newest.set(output, entry);
  }
  return [...newest].flatMap(([output, entry]) => {
    const file = `${entry.path}/${POINTER_FILE_NAMES.hfTrainer}`;
    const text = readPointerText(file, INPUT_CAPS.trainerState);
    const state = text === null ? null : parseHfTrainerState(text, file);
    const pointer = state?.success === true ? hfBestPointer(output, state.data.bestModelCheckpoint) : null;
    return pointer === null ? [] : [pointer];
  });
}

/**
 * The checkpoints pointer files name, for the entries' runs: DeepSpeed `latest`, Megatron's
 * `latest_checkpointed_iteration.txt` (looked for beside each checkpoint and one directory up, where a tag
 * directory's parent keeps them) and HF's `best_model_checkpoint`. Symlinks are the catalog's alias rows.
 * `listings`: the plan's shared directory listings.
 */
export function findRunPointers(
  entries: readonly CatalogEntry[],
  listings: DirectoryListings = new DirectoryListings(),
): RetentionPointer[] {
  const parents = new Set<string>();
  let parent = "";
  for (const { path } of entries) {
    // Entries come directory by directory: the one before mostly has the same parent.
    const cut = Math.max(path.lastIndexOf("/"), 1);
    if (cut === parent.length && path.startsWith(parent)) continue;
    parent = path.slice(0, cut);
    parents.add(parent);
  }
  const directories = new Set(parents);
  for (const parent of parents) directories.add(dirname(parent));
  return [...trackerPointers(directories, listings), ...hfBestPointers(entries)];
}
