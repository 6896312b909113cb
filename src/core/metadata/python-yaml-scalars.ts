// PyYAML's implicit scalar resolution (YAML 1.1, `lib/yaml/resolver.py`) and its scalar constructors, so plain
// values read back the types Python gives them: `yes` is True, `1e-5` a string, `010` is 8, `1:30` is 90.
import { fail, ok, type Result } from "../result.ts";

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP =
  /^(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)(?:\.(\d*))?(?:[ \t]*(Z|([-+])(\d\d?)(?::(\d\d))?))?)?$/;
const TIMESTAMP_IMPLICIT =
  /^(?:\d{4}-\d\d-\d\d|\d{4}-\d\d?-\d\d?(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)$/;
const BOOL_VALUES: ReadonlyMap<string, boolean> = new Map([
  ["yes", true],
  ["true", true],
  ["on", true],
  ["no", false],
  ["false", false],
  ["off", false],
]);

/** The value PyYAML gives an untagged plain scalar; `<<` and `=` fail because `safe_load` has no constructor for them. */
export function resolvePlainScalar(source: string): Result<unknown, string> {
  if (BOOL.test(source)) return ok(BOOL_VALUES.get(source.toLowerCase()));
  if (FLOAT.test(source)) return ok(constructFloat(source));
  if (INT.test(source)) {
    const value = constructInt(source);
    return value === undefined ? fail(`invalid int ${JSON.stringify(source)}`) : ok(value);
  }
  if (source === "<<" || source === "=") {
    return fail(`PyYAML cannot construct plain ${JSON.stringify(source)}; quote it`);
  }
  if (NULL.test(source)) return ok(null);
  if (TIMESTAMP_IMPLICIT.test(source)) {
    const value = constructTimestamp(source);
    return value === undefined ? fail(`invalid date ${JSON.stringify(source)}`) : ok(value);
  }
  return ok(source);
}

/** PyYAML `construct_yaml_bool` for the spellings PyYAML resolves. */
export function constructBool(source: string): boolean | undefined {
  return BOOL_VALUES.get(source.toLowerCase());
}

/** PyYAML `construct_yaml_int`: `_` ignored, `0b`/`0x`/leading-`0` octal, base-60 `1:30`. */
export function constructInt(source: string): number | bigint | undefined {
  const { sign, body } = splitSign(source.replaceAll("_", ""));
  let magnitude: bigint;
  try {
    if (body.includes(":")) {
      magnitude = body.split(":").reduce((sum, part) => sum * 60n + BigInt(part), 0n);
    } else if (/^0[box]/.test(body) && body.length > 2) magnitude = BigInt(body);
    else if (/^0\d/.test(body)) {
      if (!/^0[0-7]+$/.test(body)) return undefined;
      magnitude = BigInt(`0o${body.slice(1)}`);
    } else if (/^\d+$/.test(body)) magnitude = BigInt(body);
    else return undefined;
  } catch {
    return undefined;
  }
  const value = sign < 0 ? -magnitude : magnitude;
  const safe = value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
  return safe ? Number(value) : value;
}

/** PyYAML `construct_yaml_float`, then Python `float()` on what is left. */
export function constructFloat(source: string): number | undefined {
  const { sign, body } = splitSign(source.replaceAll("_", "").toLowerCase());
  if (body === ".inf" || body === "inf" || body === "infinity") return sign * Number.POSITIVE_INFINITY;
  if (body === ".nan" || body === "nan") return Number.NaN;
  if (body.includes(":")) {
    const parts = body.split(":").map(Number).reverse();
    if (parts.some(Number.isNaN)) return undefined;
    return sign * parts.reduce((sum, part, index) => sum + part * 60 ** index, 0);
  }
  return /^(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/.test(body) ? sign * Number(body) : undefined;
}

function splitSign(value: string): { sign: number; body: string } {
  const sign = value.startsWith("-") ? -1 : 1;
  return { sign, body: value.startsWith("-") || value.startsWith("+") ? value.slice(1) : value };
}

/** PyYAML `construct_yaml_timestamp`, rendered as Python's `isoformat()`; undefined where Python raises. */
export function constructTimestamp(source: string): string | undefined {
  const match = TIMESTAMP.exec(source);
  if (!match) return undefined;
  const [
    ,
    year = "",
    month = "",
    day = "",
    hour,
    minute = "",
    second = "",
    fraction,
    zone,
    zoneSign,
    zoneHour,
    zoneMin,
  ] = match;
  const [y, mo, d] = [Number(year), Number(month), Number(day)];
  const daysInMonth = [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > (daysInMonth[mo - 1] ?? 0)) return undefined;
  const date = `${year}-${pad2(mo)}-${pad2(d)}`;
  if (hour === undefined) return date;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const micros = (fraction ?? "").slice(0, 6).padEnd(6, "0");
  const time = `${pad2(Number(hour))}:${minute}:${second}${micros === "000000" ? "" : `.${micros}`}`;
  if (zone === undefined) return `${date}T${time}`;
  if (zoneSign === undefined) return `${date}T${time}+00:00`;
  const offsetMinutes = Number(zoneHour) * 60 + Number(zoneMin ?? "0");
  if (offsetMinutes >= 24 * 60) return undefined;
  const negative = zoneSign === "-" && offsetMinutes > 0;
  return `${date}T${time}${negative ? "-" : "+"}${pad2(Math.floor(offsetMinutes / 60))}:${pad2(offsetMinutes % 60)}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

export function decodeBase64(source: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(source.replace(/\s+/g, "")), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}
