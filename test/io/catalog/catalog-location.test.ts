import { describe, expect, test } from "bun:test";
import { AppError } from "../../../src/core/errors/app-error.ts";
import { resolveCatalogLocation } from "../../../src/io/catalog/catalog-location.ts";

const NFS_HOME = [
  "27 1 253:0 / / rw - ext4 /dev/vda rw",
  "40 27 0:50 / /nfshome rw - nfs4 fs01:/export/home rw",
].join("\n");
const env = { HOME: "/nfshome/me" };

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return "accepted";
}

describe("catalog location", () => {
  test("defaults to $XDG_STATE_HOME, else ~/.local/state", () => {
    const local = () => "27 1 253:0 / / rw - ext4 /dev/vda rw";
    expect(
      resolveCatalogLocation({ env: { XDG_STATE_HOME: "/st", HOME: "/h" }, cwd: "/", readMountInfo: local })
        .path,
    ).toBe("/st/ckpt/catalog.db");
    expect(resolveCatalogLocation({ env: { HOME: "/h" }, cwd: "/", readMountInfo: local }).path).toBe(
      "/h/.local/state/ckpt/catalog.db",
    );
    expect(
      resolveCatalogLocation({ env: { HOME: "/h", CKPT_CATALOG: "c.db" }, cwd: "/w", readMountInfo: local }),
    ).toEqual({
      path: "/w/c.db",
      source: "env",
      networkMount: null,
    });
  });

  test("the default on an NFS home is refused with what to do", () => {
    expect(refusal(() => resolveCatalogLocation({ env, cwd: "/", readMountInfo: () => NFS_HOME }))).toBe(
      "catalog-on-network-fs: the catalog /nfshome/me/.local/state/ckpt/catalog.db would be on a network filesystem (nfs4 mounted at /nfshome), where SQLite databases get corrupted; set CKPT_CATALOG or XDG_STATE_HOME to a local disk (for example /var/tmp/ckpt-$USER/catalog.db), or pass --catalog /nfshome/me/.local/state/ckpt/catalog.db to insist",
    );
    expect(
      refusal(() =>
        resolveCatalogLocation({
          env: { ...env, CKPT_CATALOG: "/nfshome/x.db" },
          cwd: "/",
          readMountInfo: () => NFS_HOME,
        }),
      ),
    ).toStartWith("catalog-on-network-fs: the catalog /nfshome/x.db (from CKPT_CATALOG)");
  });

  test("an explicit --catalog on NFS is allowed and reported", () => {
    const location = resolveCatalogLocation({
      flag: "/nfshome/me/c.db",
      env,
      cwd: "/",
      readMountInfo: () => NFS_HOME,
    });
    expect(location.networkMount?.fsType).toBe("nfs4");
  });

  test("a local override on an NFS home is fine", () => {
    const location = resolveCatalogLocation({
      env: { ...env, XDG_STATE_HOME: "/var/tmp/me" },
      cwd: "/",
      readMountInfo: () => NFS_HOME,
    });
    expect(location).toEqual({ path: "/var/tmp/me/ckpt/catalog.db", source: "default", networkMount: null });
  });

  test("a shared catalog's working catalog is checked for a network filesystem only when asked", () => {
    let reads = 0;
    const location = resolveCatalogLocation({
      flag: "postgres://ckpt@db/catalog",
      env,
      cwd: "/",
      readMountInfo: () => {
        reads++;
        return NFS_HOME;
      },
    });
    expect(location.shared).toBe("postgres://ckpt@db/catalog");
    expect(location.path).toBe("/nfshome/me/.local/state/ckpt/catalog.db");
    expect(reads).toBe(0);
    expect(location.networkMount?.fsType).toBe("nfs4");
    expect(location.networkMount?.mountPoint).toBe("/nfshome");
    expect(reads).toBe(1);
  });
});
