import { PyDict } from "./py-dict.ts";
import {
  isTagged,
  type PyBytes,
  type PyObject,
  type PyValue,
  pyBytes,
  pySet,
  pyTuple,
  sequenceItems,
} from "./py-value.ts";

/** A reconstructor gets the positional args; `undefined` means "not the shape we know": keep it opaque. */
export type Reconstructor = (args: PyValue[]) => PyValue | undefined;

function iterableItems(value: PyValue | undefined): PyValue[] | undefined {
  if (value === undefined) return [];
  const items = sequenceItems(value);
  if (items) return items;
  if (value instanceof PyDict) return [...value.keys()];
  if (isTagged(value) && value.kind === "set") return value.items;
  return undefined;
}

function dictFrom(className: string | undefined, source: PyValue | undefined): PyDict | undefined {
  const dict = new PyDict();
  dict.className = className;
  if (source === undefined) return dict;
  if (source instanceof PyDict) {
    for (const [k, v] of source.entries()) dict.set(k, v);
    return dict;
  }
  const pairs = sequenceItems(source);
  if (!pairs) return undefined;
  for (const pair of pairs) {
    const kv = sequenceItems(pair);
    if (kv?.length !== 2) return undefined;
    dict.set(kv[0] ?? null, kv[1] ?? null);
  }
  return dict;
}

function encodeText(text: PyValue | undefined, encoding: PyValue | undefined): PyBytes | undefined {
  if (typeof text !== "string") return undefined;
  const name = typeof encoding === "string" ? encoding.toLowerCase().replace("_", "-") : "utf-8";
  if (name === "latin1" || name === "latin-1" || name === "iso-8859-1") {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0xff) return undefined;
      out[i] = code;
    }
    return pyBytes(out);
  }
  return name === "utf-8" || name === "utf8" ? pyBytes(new TextEncoder().encode(text)) : undefined;
}

function bytesLike(mutable: boolean): Reconstructor {
  return (a) => {
    if (a.length === 0) return pyBytes(new Uint8Array(0), mutable);
    const [first, encoding] = a;
    if (isTagged(first) && first.kind === "bytes") return pyBytes(first.data.slice(), mutable);
    const encoded = encodeText(first, encoding ?? "latin-1");
    return encoded ? pyBytes(encoded.data, mutable) : undefined;
  };
}

function callObject(className: string): Reconstructor {
  return (a) => ({
    kind: "object",
    class: { kind: "global", module: "builtins", name: className, rawModule: "builtins", rawName: className },
    args: a,
    kwargs: undefined,
    state: undefined,
    attributes: undefined,
    dictItems: undefined,
    listItems: undefined,
    via: "reconstructor",
  });
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function timeText(h: number, m: number, s: number, us: number): string {
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${us ? `.${pad(us, 6)}` : ""}`;
}

function utcOffsetText(tz: PyValue | undefined): string | undefined {
  if (tz === undefined || tz === null) return "";
  if (!isTagged(tz) || tz.kind !== "reduce" || !isTagged(tz.callable) || tz.callable.kind !== "global")
    return undefined;
  if (tz.callable.module !== "datetime" || tz.callable.name !== "timezone") return undefined;
  const seconds = sequenceItems(tz.args)?.[0];
  if (typeof seconds !== "number") return undefined;
  const abs = Math.abs(seconds);
  const hms = `${pad(Math.floor(abs / 3600), 2)}:${pad(Math.floor((abs % 3600) / 60), 2)}`;
  return `${seconds < 0 ? "-" : "+"}${hms}${abs % 60 ? `:${pad(abs % 60, 2)}` : ""}`;
}

function bytesArg(value: PyValue | undefined, length: number): Uint8Array | undefined {
  const data = isTagged(value) && value.kind === "bytes" ? value.data : encodeText(value, "latin-1")?.data;
  return data && data.length === length ? data : undefined;
}

function datetimeIso(a: PyValue[]): string | undefined {
  const b = bytesArg(a[0], 10);
  const offset = utcOffsetText(a[1]);
  if (!b || offset === undefined) return undefined;
  const [y1 = 0, y2 = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, u1 = 0, u2 = 0, u3 = 0] = b;
  const date = `${pad(y1 * 256 + y2, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
  return `${date}T${timeText(h, mi, s, (u1 << 16) | (u2 << 8) | u3)}${offset}`;
}

function dateIso(a: PyValue[]): string | undefined {
  const b = bytesArg(a[0], 4);
  return b
    ? `${pad((b[0] ?? 0) * 256 + (b[1] ?? 0), 4)}-${pad(b[2] ?? 0, 2)}-${pad(b[3] ?? 0, 2)}`
    : undefined;
}

function timeIso(a: PyValue[]): string | undefined {
  const b = bytesArg(a[0], 6);
  const offset = utcOffsetText(a[1]);
  if (!b || offset === undefined) return undefined;
  const [h = 0, m = 0, s = 0, u1 = 0, u2 = 0, u3 = 0] = b;
  return `${timeText(h, m, s, (u1 << 16) | (u2 << 8) | u3)}${offset}`;
}

function timedeltaSeconds(a: PyValue[]): number | undefined {
  const [days = 0, seconds = 0, micros = 0] = a;
  if (typeof days !== "number" || typeof seconds !== "number" || typeof micros !== "number") return undefined;
  return days * 86400 + seconds + micros / 1e6;
}

function joinPath(separator: "/" | "\\"): Reconstructor {
  return (a) => {
    if (!a.every((p): p is string => typeof p === "string")) return undefined;
    let out = "";
    for (const part of a) {
      if (out === "" || out.endsWith(separator) || part.startsWith(separator)) out += part;
      else out += separator + part;
    }
    return out;
  };
}

/** Python stdlib callables, keyed by canonical `module.name`. */
export const stdlibReconstructors: Readonly<Record<string, Reconstructor>> = {
  "collections.OrderedDict": (a) => dictFrom("collections.OrderedDict", a[0]),
  "collections.Counter": (a) => dictFrom("collections.Counter", a[0]),
  "collections.defaultdict": (a) => {
    const dict = dictFrom("collections.defaultdict", a[1]);
    if (dict) dict.defaultFactory = a[0] ?? null;
    return dict;
  },
  "builtins.dict": (a) => dictFrom(undefined, a[0]),
  "builtins.list": (a) => iterableItems(a[0])?.slice(),
  "builtins.tuple": (a) => {
    const items = iterableItems(a[0]);
    return items ? pyTuple(items.slice()) : undefined;
  },
  "builtins.set": (a) => {
    const items = iterableItems(a[0]);
    return items ? pySet(items, false) : undefined;
  },
  "builtins.frozenset": (a) => {
    const items = iterableItems(a[0]);
    return items ? pySet(items, true) : undefined;
  },
  "builtins.bytearray": bytesLike(true),
  "builtins.bytes": bytesLike(false),
  "_codecs.encode": (a) => encodeText(a[0], a[1]),
  "builtins.complex": (a) => {
    const [real = 0, imag = 0] = a;
    return typeof real === "number" && typeof imag === "number" ? { kind: "complex", real, imag } : undefined;
  },
  "builtins.slice": callObject("slice"),
  "builtins.range": callObject("range"),
  "pathlib.Path": joinPath("/"),
  "pathlib.PosixPath": joinPath("/"),
  "pathlib.PurePath": joinPath("/"),
  "pathlib.PurePosixPath": joinPath("/"),
  "pathlib.WindowsPath": joinPath("\\"),
  "pathlib.PureWindowsPath": joinPath("\\"),
  "datetime.datetime": datetimeIso,
  "datetime.date": dateIso,
  "datetime.time": timeIso,
  "datetime.timedelta": timedeltaSeconds,
  "datetime.timezone": () => undefined,
};

/** `copyreg._reconstructor(cls, base, state)`: protocol 0/1 instances. */
export function copyregReconstructor(a: PyValue[]): PyObject {
  const state = a[2];
  const dictItems = state instanceof PyDict ? state : undefined;
  return {
    kind: "object",
    class: a[0] ?? null,
    args: [],
    kwargs: undefined,
    state: undefined,
    attributes: undefined,
    dictItems,
    listItems: Array.isArray(state) ? state : undefined,
    via: "reconstructor",
  };
}
