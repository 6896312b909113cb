/**
 * Fixed-width integer and float decoding. Callers check that `offset + width <= bytes.length` first (a short read
 * is a format error the caller names); these helpers stay branch-free on the hot path.
 */
function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// Integer reads are byte arithmetic: a DataView per call was a measurable share of walking a zip directory.
export function readU16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] as number) | ((bytes[offset + 1] as number) << 8)) >>> 0;
}

export function readI8(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] as number) << 24) >> 24;
}

export function readI16(bytes: Uint8Array, offset: number): number {
  return (readU16(bytes, offset) << 16) >> 16;
}

export function readI32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] as number) |
    ((bytes[offset + 1] as number) << 8) |
    ((bytes[offset + 2] as number) << 16) |
    ((bytes[offset + 3] as number) << 24)
  );
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return readI32(bytes, offset) >>> 0;
}

/** u64 as a `number`, or `undefined` when it exceeds `Number.MAX_SAFE_INTEGER` (no real file offset does). */
export function readU64(bytes: Uint8Array, offset: number): number | undefined {
  const high = readU32(bytes, offset + 4);
  if (high > 0x1fffff) return undefined;
  return high * 0x100000000 + readU32(bytes, offset);
}

export function readI64(bytes: Uint8Array, offset: number): bigint {
  return view(bytes).getBigInt64(offset, true);
}

/** u64 whole, past 2^53 too (a value, not an offset: the caller decides what a huge one means). */
export function readBigU64(bytes: Uint8Array, offset: number): bigint {
  return view(bytes).getBigUint64(offset, true);
}

export function readF32(bytes: Uint8Array, offset: number): number {
  return view(bytes).getFloat32(offset, true);
}

export function readF64(bytes: Uint8Array, offset: number): number {
  return view(bytes).getFloat64(offset, true);
}

/** Pickle BINFLOAT is the one big-endian field we meet. */
export function readF64BigEndian(bytes: Uint8Array, offset: number): number {
  return view(bytes).getFloat64(offset, false);
}

export function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  view(bytes).setUint16(offset, value, true);
}

export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  view(bytes).setUint32(offset, value >>> 0, true);
}

/** `value` must be a non-negative safe integer. */
export function writeU64(bytes: Uint8Array, offset: number, value: number): void {
  view(bytes).setBigUint64(offset, BigInt(value), true);
}

/** True when `bytes` starts with `signature` at `offset` (bounds-checked). */
export function hasBytesAt(bytes: Uint8Array, offset: number, signature: readonly number[]): boolean {
  if (offset < 0 || offset + signature.length > bytes.length) return false;
  for (let index = 0; index < signature.length; index++)
    if (bytes[offset + index] !== signature[index]) return false;
  return true;
}
