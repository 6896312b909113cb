import { describe, expect, test } from "bun:test";
import { findMount, isNetworkFsType, parseMountInfo } from "../../../src/core/catalog/mount-info.ts";

const MOUNTINFO = [
  "22 27 0:21 / /proc rw,relatime - proc proc rw",
  "27 1 253:0 / / rw,relatime - ext4 /dev/vda rw",
  "40 27 0:50 / /home rw,relatime - nfs4 fs01:/export/home rw,vers=4.2",
  "41 40 0:51 / /home/me/local\\040disk rw - xfs /dev/sdb1 rw",
  "42 27 0:52 / /lustre rw - lustre 10.0.0.1@o2ib:/scratch rw",
  "43 27 0:53 / /mnt/remote rw - fuse.sshfs me@box:/ rw",
].join("\n");

describe("mount info", () => {
  const mounts = parseMountInfo(MOUNTINFO);
  const cases: [string, string | null][] = [
    ["/home/me/.local/state/ckpt/catalog.db", "nfs4"],
    ["/home/me/local disk/catalog.db", "xfs"],
    ["/lustre/run/catalog.db", "lustre"],
    ["/mnt/remote/x", "fuse.sshfs"],
    ["/var/tmp/ckpt/catalog.db", "ext4"],
    ["/homework/catalog.db", "ext4"],
  ];
  for (const [path, expected] of cases) {
    test(path, () => expect(findMount(mounts, path)?.fsType ?? null).toBe(expected));
  }
  test("network types", () => {
    expect(
      [
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "lustre",
        "gpfs",
        "beegfs",
        "fuse.sshfs",
        "ext4",
        "xfs",
        "tmpfs",
        "fuse.portal",
      ].map(isNetworkFsType),
    ).toEqual([true, true, true, true, true, true, true, true, false, false, false, false]);
  });
});
