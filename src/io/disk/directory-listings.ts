import { type DirectoryEntry, readDirectoryEntries, readDirectoryEntriesAsync } from "../fs/fs-path.ts";

/** A directory's entries by name. */
export type Listing = ReadonlyMap<string, DirectoryEntry>;

const GONE: Listing = new Map();

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** A Map by name, made with a loop of `set`s: built from [name, entry] pairs it costs a pair and an iterator step per name. */
function byName(entries: readonly DirectoryEntry[]): Listing {
  const named = new Map<string, DirectoryEntry>();
  for (const entry of entries) named.set(entry.name, entry);
  return named;
}

/**
 * One `readdir` per directory for a whole prune plan, shared by what looks at the run directories: pointer files
 * (`latest`, the Megatron tracker) are opened only where listed, log activity walks the same listings, and the dry
 * run's check that each checkpoint to delete is still there is a lookup in its directory's listing. A 100k plan
 * over 1,000 runs lists 2,000 directories instead of opening 4,000 absent pointer files and `lstat`ing 92,000
 * checkpoints.
 */
export class DirectoryListings {
  readonly #listed = new Map<string, Listing | null>();

  /** The directory's entries; empty when it is gone (or no directory); null when it cannot be read. */
  of(directory: string): Listing | null {
    const known = this.#listed.get(directory);
    if (known !== undefined) return known;
    let listing: Listing | null;
    try {
      listing = byName(readDirectoryEntries(directory));
    } catch (error) {
      listing = isMissing(error) ? GONE : null;
    }
    this.#listed.set(directory, listing);
    return listing;
  }

  /**
   * Lists the directories on other threads, all at once, while the caller's thread goes on (a plan reads the
   * catalog meanwhile); resolves when all are listed. A directory asked of `of` before then is listed again.
   */
  async prefetch(directories: Iterable<string>): Promise<void> {
    const asked = [...directories];
    const listed = asked.map(async (directory) => {
      try {
        return byName(await readDirectoryEntriesAsync(directory));
      } catch (error) {
        return isMissing(error) ? GONE : null;
      }
    });
    const listings = await Promise.all(listed);
    asked.forEach((directory, at) => {
      if (!this.#listed.has(directory)) this.#listed.set(directory, listings[at] ?? null);
    });
  }

  /** Whether the directory lists `name` (false also when it cannot be read). */
  has(directory: string, name: string): boolean {
    return this.of(directory)?.has(name) ?? false;
  }
}
