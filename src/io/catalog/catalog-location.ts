import { readFileSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import {
  findMount,
  isNetworkFsType,
  type MountEntry,
  parseMountInfo,
} from "../../core/catalog/mount-info.ts";
import { AppError } from "../../core/errors/app-error.ts";
import { isPostgresUrl } from "./postgres-url.ts";

export type CatalogSource = "flag" | "env" | "default";

export type CatalogLocation = {
  readonly path: string;
  readonly source: CatalogSource;
  /** The network mount the path is on, when it is on one (only possible with `--catalog`). */
  readonly networkMount: MountEntry | null;
  /**
   * The shared PostgreSQL catalog (`--catalog postgres://…`): what queries read and what this host publishes to.
   * `path` is then this host's own working catalog, the default one, which scans and `ckpt watch` keep.
   */
  readonly shared?: string;
};

export type CatalogLocationOptions = {
  /** `--catalog PATH`: wins over everything, and is allowed on a network filesystem (with a warning). */
  readonly flag?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** @default reads /proc/self/mountinfo; null where there is none (macOS), which skips the check */
  readonly readMountInfo?: () => string | null;
};

/** `/proc/self/mountinfo`, or null where there is none (macOS). */
export function readProcMountInfo(): string | null {
  try {
    return readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return null;
  }
}

/** The default: `$XDG_STATE_HOME/ckpt/catalog.db`, else `~/.local/state/ckpt/catalog.db`. */
export function defaultCatalogPath(env: Readonly<Record<string, string | undefined>>): string | null {
  const state = env["XDG_STATE_HOME"];
  if (state !== undefined && isAbsolute(state)) return join(state, "ckpt", "catalog.db");
  const home = env["HOME"];
  return home !== undefined && isAbsolute(home) ? join(home, ".local", "state", "ckpt", "catalog.db") : null;
}

/** Resolves symlinks in the longest existing prefix, so `~/x` on an NFS home is matched against the real mount. */
function realPathOfPossiblyMissing(path: string): string {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      missing.push(basename(current));
      current = parent;
    }
  }
}

/** The network mount holding `path`, or null when it is local or mounts cannot be read. */
export function networkMountOf(path: string, mountInfo: string | null): MountEntry | null {
  if (mountInfo === null) return null;
  const mount = findMount(parseMountInfo(mountInfo), realPathOfPossiblyMissing(path));
  return mount !== null && isNetworkFsType(mount.fsType) ? mount : null;
}

/** A shared catalog: the URL, and this host's working catalog at the default place (`CKPT_LOCAL_CATALOG` wins). */
function sharedLocation(
  options: CatalogLocationOptions,
  url: string,
  source: CatalogSource,
): CatalogLocation {
  const local = options.env["CKPT_LOCAL_CATALOG"];
  const path =
    local !== undefined && local !== "" ? resolve(options.cwd, local) : defaultCatalogPath(options.env);
  if (path === null)
    throw new AppError(
      "usage",
      "cannot place this host's working catalog: neither XDG_STATE_HOME nor HOME is an absolute path; set CKPT_LOCAL_CATALOG",
    );
  // Looked up when asked: only a command that opens the working catalog (a watch, a scan's refresh) asks; a
  // query of the shared catalog never does, and reading the mount table cost it ~2 ms.
  let networkMount: MountEntry | null | undefined;
  return {
    path,
    source,
    get networkMount() {
      networkMount ??= networkMountOf(path, (options.readMountInfo ?? readProcMountInfo)());
      return networkMount;
    },
    shared: url,
  };
}

/** Which catalog is meant, before it is checked: `--catalog`, else `CKPT_CATALOG`, else the XDG state default. */
export function chosenCatalog(options: Pick<CatalogLocationOptions, "flag" | "env">): {
  readonly path: string | null;
  readonly source: CatalogSource;
} {
  const fromEnv = options.env["CKPT_CATALOG"];
  if (options.flag !== undefined) return { path: options.flag, source: "flag" };
  if (fromEnv !== undefined && fromEnv !== "") return { path: fromEnv, source: "env" };
  return { path: defaultCatalogPath(options.env), source: "default" };
}

/**
 * Where the catalog lives: `--catalog`, else `CKPT_CATALOG`, else the XDG state default. A location on a network
 * filesystem is refused unless it came from `--catalog`, because SQLite's WAL and locks break there.
 */
export function resolveCatalogLocation(options: CatalogLocationOptions): CatalogLocation {
  const chosen = chosenCatalog(options);
  if (chosen.path !== null && isPostgresUrl(chosen.path))
    return sharedLocation(options, chosen.path, chosen.source);
  if (chosen.path === null) {
    throw new AppError(
      "usage",
      "cannot place the catalog: neither XDG_STATE_HOME nor HOME is an absolute path; pass --catalog PATH or set CKPT_CATALOG",
    );
  }
  const path = resolve(options.cwd, chosen.path);
  const networkMount = networkMountOf(path, (options.readMountInfo ?? readProcMountInfo)());
  if (networkMount !== null && chosen.source !== "flag") {
    const via = chosen.source === "env" ? " (from CKPT_CATALOG)" : "";
    throw new AppError(
      "catalog-on-network-fs",
      `the catalog ${path}${via} would be on a network filesystem (${networkMount.fsType} mounted at ${networkMount.mountPoint}), where SQLite databases get corrupted; set CKPT_CATALOG or XDG_STATE_HOME to a local disk (for example /var/tmp/ckpt-$USER/catalog.db), or pass --catalog ${path} to insist`,
    );
  }
  return { path, source: chosen.source, networkMount };
}
