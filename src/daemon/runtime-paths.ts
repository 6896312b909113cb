import { chmodSync, lstatSync, mkdirSync } from "node:fs";
import { fail, ok, type Result } from "../core/result.ts";

/** Where the daemon keeps its control socket (per user, 0700, tmpfs) and its log (ux §5.2). */
export type RuntimePaths = {
  readonly runtimeDir: string;
  /** `xdg`: `$XDG_RUNTIME_DIR/ckpt`; `tmp`: a per-user `/tmp/ckpt-<uid>` that needs the ownership check. */
  readonly runtimeDirSource: "xdg" | "tmp";
  readonly socketPath: string;
  readonly stateDir: string;
  readonly logPath: string;
};

export type RuntimePathsInput = {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly uid: number;
  readonly home: string;
  /** One daemon per catalog: a short name (e.g. a hash of the catalog path) keeps sockets apart. */
  readonly instance?: string;
  /** @default "/tmp" */
  readonly tmpDir?: string;
};

/** `sun_path` is 108 bytes on Linux (104 on macOS); a longer socket path cannot be bound. */
export const MAX_SOCKET_PATH_BYTES = 100;

/** XDG says relative values are invalid and must be ignored. */
function absoluteEnv(env: RuntimePathsInput["env"], name: string): string | undefined {
  const value = env[name];
  return value?.startsWith("/") ? value.replace(/\/+$/, "") || "/" : undefined;
}

function joinPath(directory: string, name: string): string {
  return directory === "/" ? `/${name}` : `${directory}/${name}`;
}

/**
 * Pure: the daemon's paths from (env, uid, home). The socket goes under `$XDG_RUNTIME_DIR/ckpt/`, or under
 * `/tmp/ckpt-<uid>/` when that is unset, relative, or would make the socket path too long to bind. The log goes
 * under `$XDG_STATE_HOME/ckpt/` (default `~/.local/state/ckpt/`).
 */
export function resolveRuntimePaths(input: RuntimePathsInput): RuntimePaths {
  const socketName = input.instance === undefined ? "daemon.sock" : `daemon-${input.instance}.sock`;
  const xdgRuntime = absoluteEnv(input.env, "XDG_RUNTIME_DIR");
  const xdgDir = xdgRuntime === undefined ? undefined : joinPath(xdgRuntime, "ckpt");
  const fits = (directory: string) =>
    new TextEncoder().encode(joinPath(directory, socketName)).length <= MAX_SOCKET_PATH_BYTES;
  const useXdg = xdgDir !== undefined && fits(xdgDir);
  const runtimeDir = useXdg ? xdgDir : joinPath(input.tmpDir ?? "/tmp", `ckpt-${input.uid}`);
  const stateHome = absoluteEnv(input.env, "XDG_STATE_HOME") ?? joinPath(input.home, ".local/state");
  const stateDir = joinPath(stateHome, "ckpt");
  return {
    runtimeDir,
    runtimeDirSource: useXdg ? "xdg" : "tmp",
    socketPath: joinPath(runtimeDir, socketName),
    stateDir,
    logPath: joinPath(stateDir, "daemon.log"),
  };
}

export type PrivateDirError = {
  readonly code: "not-a-directory" | "wrong-owner" | "cannot-create";
  readonly message: string;
};

export type PrivateDirOptions = {
  readonly uid: number;
  /** Also require and enforce mode 0700 (the runtime dir); the state dir only needs to exist. @default true */
  readonly private?: boolean;
};

/**
 * Creates `path` (and parents) and checks it: a real directory (not a symlink another user planted in `/tmp`),
 * owned by `uid`, and with `private`, mode 0700 (tightened when it is ours but looser).
 */
export function ensurePrivateDirectory(
  path: string,
  options: PrivateDirOptions,
): Result<void, PrivateDirError> {
  const strict = options.private ?? true;
  try {
    mkdirSync(path, { recursive: true, mode: strict ? 0o700 : 0o755 });
    const stats = lstatSync(path);
    if (!stats.isDirectory())
      return fail({
        code: "not-a-directory",
        message: `${path} is not a directory (a symlink or file is in the way); remove it and start again`,
      });
    if (stats.uid !== options.uid)
      return fail({
        code: "wrong-owner",
        message: `${path} belongs to uid ${stats.uid}, not to you (uid ${options.uid}); remove it or set XDG_RUNTIME_DIR`,
      });
    if (strict && (stats.mode & 0o077) !== 0) chmodSync(path, 0o700);
    return ok(undefined);
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    return fail({
      code: "cannot-create",
      message: `cannot create ${path} (${cause}); check its parent's permissions`,
    });
  }
}
