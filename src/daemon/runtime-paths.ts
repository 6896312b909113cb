/** Where the daemon keeps its control socket (per user, 0700, tmpfs) and its log (ux §5.2). */
export type RuntimePaths = {
  readonly runtimeDir: string;
  /** `xdg`: `$XDG_RUNTIME_DIR/ckpt`; `tmp`: a per-user `/tmp/ckpt-<uid>` (checked like every state directory). */
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
