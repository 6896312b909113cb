import { mkdirSync, type Stats, statSync } from "node:fs";
import { AppError } from "../../core/errors/app-error.ts";
import { errorCodeOf } from "../../core/errors/error-code.ts";
import { fail, ok, type Result } from "../../core/result.ts";

export type StateDirectoryProblem = {
  readonly code: "not-a-directory" | "wrong-owner" | "writable-by-others" | "cannot-create";
  readonly message: string;
};

export type StateDirectoryOptions = {
  /** Whose directory it must be. @default the effective uid */
  readonly uid?: number;
  /** Create it (and missing parents) 0700 when absent. @default true */
  readonly create?: boolean;
};

const octal = (mode: number) => `0${(mode & 0o7777).toString(8)}`;

function statDirectory(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if (errorCodeOf(error) === "ENOENT") return null;
    throw error;
  }
}

/** Why a directory that exists may not hold ckpt's files; null when it may. */
function problemOf(path: string, stats: Stats, uid: number): StateDirectoryProblem | null {
  if (!stats.isDirectory())
    return {
      code: "not-a-directory",
      message: `${path} is not a directory; remove it or choose another location for ckpt's state`,
    };
  const danger = "another user could replace or redirect the files ckpt keeps there";
  // Root's own directories are trusted by everyone, as ssh trusts them; anybody else's are not.
  if (stats.uid !== uid && stats.uid !== 0)
    return {
      code: "wrong-owner",
      message: `${path} belongs to uid ${stats.uid} (mode ${octal(stats.mode)}), not to you (uid ${uid}): ${danger}; use a directory of your own (unset CKPT_CATALOG for the default ~/.local/state/ckpt), or have it removed so ckpt can create it`,
    };
  if ((stats.mode & 0o022) !== 0)
    return {
      code: "writable-by-others",
      message: `${path} is writable by ${stats.mode & 0o002 ? "everyone" : "its group"} (mode ${octal(stats.mode)}): ${danger}; run 'chmod 700 ${path}', or choose another location`,
    };
  return null;
}

/**
 * The one rule for a directory ckpt keeps state in (catalog, socket, daemon log), as ssh has for `~/.ssh`: after
 * following symlinks it is a directory, owned by the user (or root), and not writable by group or others. One that
 * is absent is created 0700. Checked before any file is created in it, so a planted directory or symlink never
 * gets root to write where another user points it.
 */
export function checkStateDirectory(
  path: string,
  options: StateDirectoryOptions = {},
): Result<void, StateDirectoryProblem> {
  const uid = options.uid ?? process.geteuid?.() ?? 0;
  try {
    let stats = statDirectory(path);
    if (stats === null && (options.create ?? true)) {
      mkdirSync(path, { recursive: true, mode: 0o700 });
      stats = statDirectory(path);
    }
    if (stats === null) return ok(undefined);
    const problem = problemOf(path, stats, uid);
    return problem === null ? ok(undefined) : fail(problem);
  } catch (error) {
    const code = errorCodeOf(error) ?? String(error);
    return fail({
      code: "cannot-create",
      message: `cannot use ${path} for ckpt's state (${code}); check the permissions of it and its parents, or choose another location`,
    });
  }
}

/** `checkStateDirectory` where ckpt cannot go on without the directory: a problem becomes an `AppError`. */
export function requireStateDirectory(path: string, options: StateDirectoryOptions = {}): void {
  const checked = checkStateDirectory(path, options);
  if (!checked.success) throw new AppError("io", checked.error.message);
}
