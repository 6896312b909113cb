import { resolve } from "node:path";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import { pathUnderRoot } from "../io/scan/walk-paths.ts";

/**
 * How every command shows a path from disk: relative to the working directory when under it (so it can be pasted
 * back), else absolute (an s3:// URL as it is); control characters escaped, so a file name can never drive the terminal.
 */
export function displayPathFrom(cwd: string): (path: string) => string {
  return (path) => {
    // An object's URL is no path: resolved against the working directory it would lose a slash of `s3://`.
    if (isS3Url(path)) return escapeControl(path);
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
