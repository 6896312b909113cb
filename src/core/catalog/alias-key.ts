/** An entry whose aliases are asked for: its path on its host (absent: this host's, in a local catalog). */
export type AliasTarget = { readonly host?: string | undefined; readonly path: string };

/**
 * The key a primary entry's aliases are found under: two hosts sharing a catalog may both hold a path, and each
 * has its own hard links and symlinks. Neither a host name nor a path holds a NUL.
 */
export function aliasKey(target: AliasTarget): string {
  return `${target.host ?? ""}\u0000${target.path}`;
}
