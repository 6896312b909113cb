import { resolve } from "node:path";
import { escapeControl } from "../core/text/escape-control.ts";
import { pathUnderRoot } from "../io/scan/walk-paths.ts";

/**
 * How every command shows a path from disk: relative to the working directory when under it (so it can be pasted
 * back), else absolute; control characters escaped, so a file name can never drive the terminal.
 */
export function displayPathFrom(cwd: string): (path: string) => string {
  return (path) => {
    const absolute = resolve(cwd, path);
    return escapeControl(pathUnderRoot(cwd, absolute) ?? absolute);
  };
}

/**
 * A message about a file (`/abs/run/x.ckpt: the file is empty; …`) as the user should read it: the leading path
 * relative to the working directory, as `displayPathFrom` shows paths, and control characters escaped.
 */
export function displayMessageFrom(cwd: string): (message: string) => string {
  const prefix = cwd.endsWith("/") ? cwd : `${cwd}/`;
  return (message) => escapeControl(message.startsWith(prefix) ? message.slice(prefix.length) : message);
}
