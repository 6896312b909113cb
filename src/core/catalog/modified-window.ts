import { fail, ok, type Result } from "../result.ts";

/** A wall-clock time as written, without a zone; the caller knows the user's time zone. */
export type WallClockTime = {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
};

export type TimeContext = {
  /** Epoch milliseconds now. */
  readonly now: number;
  /** Epoch milliseconds of a wall-clock time in the user's time zone. */
  readonly localTime: (time: WallClockTime) => number;
};

/** Checkpoints modified at or after `since` and before `until` (epoch milliseconds); absent bounds are open. */
export type ModifiedWindow = { readonly since?: number; readonly until?: number };

export const TIME_FORMS =
  "a duration back from now (30m, 12h, 7d, 2w) or a date or time (2026-11-20, 2026-11-20T14:30, 2026-11-20T14:30:00Z)";

const DAY_MS = 86_400_000;
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: DAY_MS,
  w: 7 * DAY_MS,
};

const DURATION = /^(\d+(?:\.\d+)?)([smhdw])$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const shifted = month <= 2 ? year - 1 : year;
  const era = Math.floor(shifted / 400);
  const yearOfEra = shifted - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function isValid(time: WallClockTime): boolean {
  const daysInMonth = daysFromCivil(time.year, time.month + 1, 1) - daysFromCivil(time.year, time.month, 1);
  return (
    time.month >= 1 &&
    time.month <= 12 &&
    time.day >= 1 &&
    time.day <= daysInMonth &&
    time.hour < 24 &&
    time.minute < 60 &&
    time.second < 60
  );
}

/** `Z`, `+02:00`, `-0530` → minutes east of UTC. */
function zoneOffsetMinutes(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const digits = zone.slice(1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return zone.startsWith("-") ? -minutes : minutes;
}

function parseDateTime(text: string, context: TimeContext): number | null {
  const match = DATE_TIME.exec(text);
  if (match === null) return null;
  const number = (index: number) => Number(match[index] ?? 0);
  const time: WallClockTime = {
    year: number(1),
    month: number(2),
    day: number(3),
    hour: number(4),
    minute: number(5),
    second: number(6),
    millisecond: Number((match[7] ?? "0").padEnd(3, "0")),
  };
  if (!isValid(time)) return null;
  const zone = match[8];
  if (zone === undefined) return context.localTime(time);
  const utcMs =
    daysFromCivil(time.year, time.month, time.day) * DAY_MS +
    ((time.hour * 60 + time.minute) * 60 + time.second) * 1000 +
    time.millisecond;
  return utcMs - zoneOffsetMinutes(zone) * 60_000;
}

/** A duration (`30s`, `10m`, `12h`, `7d`, `2w`) in milliseconds, or null when the text is none. */
export function durationMs(text: string): number | null {
  const duration = DURATION.exec(text.trim().toLowerCase());
  return duration === null ? null : Number(duration[1]) * (UNIT_MS[duration[2] ?? ""] ?? 0);
}

/**
 * A `--since`/`--until` value as epoch milliseconds: a duration back from now (`30m`, `12h`, `7d`, `2w`), a date
 * (`2026-11-20`, local midnight), or a time (`2026-11-20T14:30` local, `…Z` or `…+02:00` with its zone).
 * @example parseTimePoint("7d", { now: 7 * 86_400_000, localTime }) → ok(0)
 */
export function parseTimePoint(text: string, context: TimeContext): Result<number, string> {
  const trimmed = text.trim();
  const duration = durationMs(trimmed);
  if (duration !== null) return ok(context.now - duration);
  const instant = parseDateTime(trimmed, context);
  return instant === null ? fail(`'${text}' is not a time; use ${TIME_FORMS}`) : ok(instant);
}

/** `--since` and `--until` together; `since` must come before `until`. Errors name the flag. */
export function parseModifiedWindow(
  texts: { readonly since?: string | undefined; readonly until?: string | undefined },
  context: TimeContext,
): Result<ModifiedWindow, string> {
  const window: { since?: number; until?: number } = {};
  for (const flag of ["since", "until"] as const) {
    const text = texts[flag];
    if (text === undefined) continue;
    const parsed = parseTimePoint(text, context);
    if (!parsed.success) return fail(`--${flag} ${parsed.error}`);
    window[flag] = parsed.data;
  }
  if (window.since !== undefined && window.until !== undefined && window.since >= window.until) {
    return fail(`--since ${texts.since} is not before --until ${texts.until}; nothing can match`);
  }
  return ok(window);
}
