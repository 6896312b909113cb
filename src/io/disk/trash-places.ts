import { dirname } from "node:path";
import { findMount, type MountEntry, parseMountInfo } from "../../core/catalog/mount-info.ts";
import { readProcMountInfo } from "../catalog/catalog-location.ts";
import { realPathOrNull } from "../fs/fs-path.ts";
import { isWithin } from "../scan/walk-paths.ts";
import { trashDirOf } from "./trash-store.ts";

// A move into the trash must be one rename, and Linux renames only within one mount (EXDEV otherwise, even
// between two bind mounts of one disk). So a checkpoint goes to the trash of its own mount: the root's
// (`<root>/.ckpt-trash`) when it lies on the root's mount, else the one at its mount point below the root
// (`<mount point>/.ckpt-trash`: a disk mounted at `runs/big`). Without a mount table (macOS) every checkpoint
// goes to the root's, and one on another filesystem fails alone, saying so.

/** Which trash each checkpoint of a prune goes to; the mount table is read once, each directory asked once. */
export class TrashPlaces {
  readonly #mounts: readonly MountEntry[] | null;
  readonly #byDirectory = new Map<string, string>();

  /** `readMountInfo`: the kernel's mount table (`/proc/self/mountinfo`); null where there is none. */
  constructor(readMountInfo: () => string | null = readProcMountInfo) {
    const table = readMountInfo();
    this.#mounts = table === null ? null : parseMountInfo(table);
  }

  /** The trash directory for the checkpoint at `path` under `root`. */
  dirFor(path: string, root: string): string {
    const holder = dirname(path);
    const key = `${root}\0${holder}`;
    const known = this.#byDirectory.get(key);
    if (known !== undefined) return known;
    const dir = trashDirOf(this.#mountTop(holder, root));
    this.#byDirectory.set(key, dir);
    return dir;
  }

  /** The root, or the mount point below it that holds `holder` when that is another mount than the root's. */
  #mountTop(holder: string, root: string): string {
    const mounts = this.#mounts;
    if (mounts === null) return root;
    const realHolder = realPathOrNull(holder);
    const realRoot = realPathOrNull(root);
    if (realHolder === null || realRoot === null) return root;
    const own = findMount(mounts, realHolder);
    if (own === null || own.mountPoint === findMount(mounts, realRoot)?.mountPoint) return root;
    return isWithin(own.mountPoint, realRoot) && own.mountPoint !== realRoot ? own.mountPoint : root;
  }

  /**
   * Every trash a prune under `root` may have filled: the root's own and one per mount point below it (whether
   * it exists or not: readers list what they find).
   */
  dirsUnder(root: string): string[] {
    const realRoot = realPathOrNull(root);
    if (this.#mounts === null || realRoot === null) return [trashDirOf(root)];
    const below = this.#mounts
      .map((mount) => mount.mountPoint)
      .filter((point) => point !== realRoot && isWithin(point, realRoot));
    return [trashDirOf(root), ...new Set(below.map(trashDirOf))];
  }
}
