const BYTE_UNITS = ["B", "KB", "MB", "GB", "TB", "PB"] as const;

/** Decimal units as `ls -h --si` and `df -H` print them: `153897` → `154 KB`, `4.5e9` → `4.5 GB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const text = unit === 0 || value >= 100 ? value.toFixed(0) : value.toFixed(1);
  return `${text} ${BYTE_UNITS[unit]}`;
}

const AGE_STEPS = [
  [60, "s", 1],
  [3600, "m", 60],
  [86_400, "h", 3600],
  [86_400 * 14, "d", 86_400],
  [Number.POSITIVE_INFINITY, "w", 86_400 * 7],
] as const;

/** How long ago, in the largest whole unit: `42s`, `5m`, `3h`, `6d`, `3w`; future times show as `0s`. */
export function formatAge(nowMs: number, thenMs: number): string {
  const seconds = Math.max(0, (nowMs - thenMs) / 1000);
  for (const [below, unit, size] of AGE_STEPS) {
    if (seconds < below) return `${Math.floor(seconds / size)}${unit}`;
  }
  return `${Math.floor(seconds / 604_800)}w`;
}

/** A span in its two largest units, as `ckpt status` prints uptime: `42s`, `5m 3s`, `3h 10m`, `2d 4h`. */
export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
