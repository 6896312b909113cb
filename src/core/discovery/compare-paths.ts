/**
 * Orders paths by UTF-16 code units, as `ls` in the C locale and `sort` do: stable across machines and locales,
 * and far cheaper than `localeCompare`, which was a tenth of a warm catalog rescan.
 */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
