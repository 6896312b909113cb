import { normaliseInt } from "./pickle-text.ts";
import {
  isTagged,
  type NumpyArray,
  type NumpyDtype,
  type PyComplex,
  type PyValue,
  sequenceItems,
} from "./py-value.ts";

/** Arrays with at most this many elements keep their values. */
export const maxNumpyValues = 64;

function bytesOf(value: PyValue | undefined): Uint8Array | undefined {
  if (isTagged(value) && value.kind === "bytes") return value.data;
  if (typeof value !== "string") return undefined;
  // py2-style pickles carry raw bytes as a latin-1 str.
  const out = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) out[i] = value.charCodeAt(i) & 0xff;
  return out;
}

function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

type Element = number | bigint | boolean | PyComplex;

function readElement(view: DataView, at: number, code: string, little: boolean): Element | undefined {
  switch (code) {
    case "f2":
      return halfToNumber(view.getUint16(at, little));
    case "f4":
      return view.getFloat32(at, little);
    case "f8":
      return view.getFloat64(at, little);
    case "i1":
      return view.getInt8(at);
    case "i2":
      return view.getInt16(at, little);
    case "i4":
      return view.getInt32(at, little);
    case "i8":
      return normaliseInt(view.getBigInt64(at, little));
    case "u1":
      return view.getUint8(at);
    case "u2":
      return view.getUint16(at, little);
    case "u4":
      return view.getUint32(at, little);
    case "u8":
      return normaliseInt(view.getBigUint64(at, little));
    case "b1":
      return view.getUint8(at) !== 0;
    case "c8":
      return { kind: "complex", real: view.getFloat32(at, little), imag: view.getFloat32(at + 4, little) };
    case "c16":
      return { kind: "complex", real: view.getFloat64(at, little), imag: view.getFloat64(at + 8, little) };
    default:
      return undefined;
  }
}

function elementSize(code: string): number | undefined {
  const size = Number.parseInt(code.slice(1), 10);
  return /^[fiubc]\d+$/.test(code) && size > 0 ? size : undefined;
}

function decodeElements(dtype: NumpyDtype, data: Uint8Array, count: number): Element[] | undefined {
  const size = elementSize(dtype.code);
  if (size === undefined || data.length < size * count) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const little = dtype.byteOrder !== ">";
  const out: Element[] = [];
  for (let i = 0; i < count; i++) {
    const value = readElement(view, i * size, dtype.code, little);
    if (value === undefined) return undefined;
    out.push(value);
  }
  return out;
}

function asNumpyDtype(value: PyValue | undefined): NumpyDtype | undefined {
  return isTagged(value) && value.kind === "numpy-dtype" ? value : undefined;
}

/** `numpy.dtype('f8', False, True)`: byte order arrives later through BUILD. */
export function numpyDtype(args: PyValue[]): NumpyDtype | undefined {
  const code = args[0];
  return typeof code === "string" ? { kind: "numpy-dtype", code, byteOrder: "=" } : undefined;
}

/** `numpy.core.multiarray.scalar(dtype, raw)` → the number it holds. */
export function numpyScalar(args: PyValue[]): PyValue | undefined {
  const dtype = asNumpyDtype(args[0]);
  const data = bytesOf(args[1]);
  if (!dtype || !data) return undefined;
  return decodeElements(dtype, data, 1)?.[0];
}

/** `numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')`: filled in by BUILD. */
export function numpyReconstruct(): NumpyArray {
  return {
    kind: "ndarray",
    dtype: undefined,
    shape: [0],
    fortranOrder: false,
    byteLength: 0,
    values: undefined,
  };
}

/** BUILD on numpy placeholders; false when the target is not one. */
export function applyNumpyBuild(target: PyValue, state: PyValue): boolean {
  if (!isTagged(target)) return false;
  const items = sequenceItems(state);
  if (target.kind === "numpy-dtype") {
    if (items && typeof items[1] === "string") target.byteOrder = items[1];
    return true;
  }
  if (target.kind !== "ndarray" || !items) return target.kind === "ndarray";
  const parts = typeof items[0] === "number" && items.length >= 5 ? items.slice(1) : items;
  const [shapeValue, dtypeValue, fortran, raw] = parts;
  const shape = (sequenceItems(shapeValue) ?? []).filter((d): d is number => typeof d === "number");
  const dtype = asNumpyDtype(dtypeValue);
  const count = shape.reduce((a, b) => a * b, 1);
  target.shape = shape;
  target.dtype = dtype ? `${dtype.byteOrder === "=" ? "" : dtype.byteOrder}${dtype.code}` : undefined;
  target.fortranOrder = fortran === true;
  const data = bytesOf(raw);
  target.byteLength = data?.length ?? 0;
  if (count <= maxNumpyValues) {
    const list = Array.isArray(raw) ? raw.slice(0, count) : undefined;
    target.values = list ?? (dtype && data ? decodeElements(dtype, data, count) : undefined);
  }
  return true;
}
