import { errorCodeOf } from "../../core/errors/error-code.ts";
import { type DirectoryEntry, readDirectoryEntries, readDirectoryEntriesAsync } from "../fs/fs-path.ts";

/** What a listing tells of a name: its type (a `DirectoryEntry` without the name, which is the key). */
export type ListedType = Omit<DirectoryEntry, "name">;

/** A directory's entries by name. */
export type Listing = ReadonlyMap<string, ListedType>;

const GONE: Listing = new Map();

function typed(type: "file" | "directory" | "link"): ListedType {
  return {
    isFile: () => type === "file",
    isDirectory: () => type === "directory",
    isSymbolicLink: () => type === "link",
    isFIFO: () => false,
    isSocket: () => false,
    isBlockDevice: () => false,
    isCharacterDevice: () => false,
  };
}

// One object per common type, shared by every name of it: a 100k plan keeps 2,000 listings of 100k names, and
// without these, a `Dirent` for each name.
const FILE = typed("file");
const DIRECTORY = typed("directory");
const LINK = typed("link");

/** The entry's type; a rarer one (a FIFO, a device, a type the file system did not say) is the entry itself. */
function typeOf(entry: DirectoryEntry): ListedType {
  if (entry.isFile()) return FILE;
  if (entry.isDirectory()) return DIRECTORY;
  return entry.isSymbolicLink() ? LINK : entry;
}

function isMissing(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** A Map by name, made with a loop of `set`s: built from [name, entry] pairs it costs a pair and an iterator step per name. */
function byName(entries: readonly DirectoryEntry[]): Listing {
  const named = new Map<string, ListedType>();
  for (const entry of entries) named.set(entry.name, typeOf(entry));
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
  readonly #ahead = new Map<string, Promise<void>>();
  /** The directory `parentOf` was last asked about, and its listing. */
  #lastParent: string | null = null;
  #lastParentListing: Listing | null = null;

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
   * The listing of the directory `path` lies in (`/` for a name at the top). Asked path after path of one
   * directory (a plan's 92k checkpoints to delete, 2,000 directories), so the last directory is compared first:
   * no new string and no hash lookup per path.
   */
  parentOf(path: string): Listing | null {
    const cut = path.lastIndexOf("/");
    const last = this.#lastParent;
    if (last !== null && cut > 0 && cut === last.length && path.startsWith(last))
      return this.#lastParentListing;
    const directory = cut <= 0 ? "/" : path.slice(0, cut);
    // `of` gives a directory the same listing every time it is asked (the first one it had).
    const listing = this.of(directory);
    this.#lastParent = directory;
    this.#lastParentListing = listing;
    return listing;
  }

  /**
   * Starts listing the directory on another thread while the caller's thread goes on (a plan reads the catalog's
   * rows meanwhile); `settled` waits for every listing so started. Asked of `of` before then, it is listed again.
   */
  listAhead(directory: string): void {
    if (this.#listed.has(directory) || this.#ahead.has(directory)) return;
    const listing = readDirectoryEntriesAsync(directory).then(byName, (error: unknown) =>
      isMissing(error) ? GONE : null,
    );
    this.#ahead.set(
      directory,
      listing.then((listed) => {
        if (!this.#listed.has(directory)) this.#listed.set(directory, listed);
      }),
    );
  }

  /** Resolves when every listing `listAhead` started is done. */
  async settled(): Promise<void> {
    await Promise.all(this.#ahead.values());
    this.#ahead.clear();
  }

  /** Whether the directory lists `name` (false also when it cannot be read). */
  has(directory: string, name: string): boolean {
    return this.of(directory)?.has(name) ?? false;
  }
}
