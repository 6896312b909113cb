/** One line of `/proc/self/mountinfo`: where a filesystem is mounted and its type. */
export type MountEntry = { readonly mountPoint: string; readonly fsType: string; readonly source: string };

/** Filesystems where SQLite's WAL and POSIX locks are unreliable (sqlite.org/wal.html; opencode#14970). */
const NETWORK_FS_TYPES = new Set([
  "nfs",
  "nfs4",
  "cifs",
  "smb",
  "smb2",
  "smb3",
  "smbfs",
  "lustre",
  "gpfs",
  "beegfs",
  "ceph",
  "glusterfs",
  "9p",
  "afs",
  "ncpfs",
  "panfs",
  "wekafs",
  "orangefs",
  "pvfs2",
  "davfs",
]);

const NETWORK_FUSE_TYPES = new Set([
  "sshfs",
  "glusterfs",
  "ceph",
  "ceph-fuse",
  "s3fs",
  "rclone",
  "juicefs",
  "gcsfuse",
  "beegfs",
  "davfs2",
  "cvmfs2",
  "lustre",
]);

/** `nfs4`, `cifs`, `lustre`, `fuse.sshfs`, …: true for filesystems the catalog must not live on. */
export function isNetworkFsType(fsType: string): boolean {
  const lower = fsType.toLowerCase();
  if (NETWORK_FS_TYPES.has(lower)) return true;
  const fuse = /^fuse(?:blk)?\.(.+)$/.exec(lower);
  return fuse !== null && NETWORK_FUSE_TYPES.has(fuse[1] ?? "");
}

/** mountinfo escapes space, tab, newline and backslash as `\040`-style octal. */
function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** Parses `/proc/self/mountinfo` (proc(5)); malformed lines are skipped. */
export function parseMountInfo(text: string): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const fields = line.split(" ");
    const separator = fields.indexOf("-");
    const mountPoint = fields[4];
    const fsType = fields[separator + 1];
    if (separator < 6 || mountPoint === undefined || fsType === undefined) continue;
    mounts.push({
      mountPoint: unescapeOctal(mountPoint),
      fsType,
      source: unescapeOctal(fields[separator + 2] ?? ""),
    });
  }
  return mounts;
}

function contains(mountPoint: string, path: string): boolean {
  if (mountPoint === "/") return path.startsWith("/");
  return path === mountPoint || path.startsWith(`${mountPoint}/`);
}

/** The mount holding an absolute, symlink-free path: the longest mount point that prefixes it (the last one wins ties, as later mounts shadow earlier ones). */
export function findMount(mounts: readonly MountEntry[], path: string): MountEntry | null {
  let best: MountEntry | null = null;
  for (const mount of mounts) {
    if (!contains(mount.mountPoint, path)) continue;
    if (best === null || mount.mountPoint.length >= best.mountPoint.length) best = mount;
  }
  return best;
}
