import type { WriteRate } from "./write-rate.ts";

/** Warn when a filesystem fills within this long at the current rate: less than a night's training. */
export const DEFAULT_FILL_WARNING_SECONDS = 24 * 3600;

/** Free space of one filesystem, as statfs reports it to an unprivileged user. */
export type FilesystemSpace = {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly freeBytes: number;
  readonly totalBytes: number;
};

export type FillForecast =
  | { readonly kind: "fills"; readonly seconds: number; readonly warning: boolean }
  | { readonly kind: "not-filling"; readonly reason: string }
  | { readonly kind: "unknown"; readonly reason: string };

/** "At this rate /data fills in 3h 10m": free bytes ÷ bytes per hour, warned about under the threshold. */
export function forecastFill(options: {
  readonly space: FilesystemSpace;
  readonly rate: WriteRate;
  readonly warningSeconds: number;
}): FillForecast {
  const { space, rate } = options;
  if (rate.kind === "unknown") return { kind: "unknown", reason: rate.reason };
  if (rate.bytesPerHour === 0)
    return { kind: "not-filling", reason: "no checkpoint bytes written in the span" };
  const seconds = Math.floor((space.freeBytes / rate.bytesPerHour) * 3600);
  return { kind: "fills", seconds, warning: seconds < options.warningSeconds };
}
