import type { MetricPoint } from "./metric-series.ts";

const numberBytes = new Float64Array(1);
const numberWords = new Uint32Array(numberBytes.buffer);

function mix(hash: number, word: number): number {
  return Math.imul(hash ^ word, 0x01000193) >>> 0;
}

function mixNumber(hash: number, value: number | null | undefined): number {
  if (value === null || value === undefined) return mix(hash, 0x7fff_ffff);
  numberBytes[0] = value;
  return mix(mix(hash, numberWords[0] ?? 0), numberWords[1] ?? 0);
}

/**
 * A fingerprint of a run's metric points (FNV-1a over names and the bits of every number), so the catalog rewrites
 * a run's points only when they changed: the daemon indexes each new checkpoint with all its run's points, and a
 * run that logs every step has tens of thousands.
 */
export function pointsFingerprint(points: readonly MetricPoint[]): string {
  let hash = 0x811c9dc5;
  let names = 0x811c9dc5;
  for (const point of points) {
    for (let at = 0; at < point.name.length; at++) names = mix(names, point.name.charCodeAt(at));
    hash = mixNumber(
      mixNumber(mixNumber(mixNumber(mix(hash, names), point.step), point.epoch), point.value),
      point.wallTime,
    );
  }
  return `${points.length}:${hash.toString(16)}:${names.toString(16)}`;
}
