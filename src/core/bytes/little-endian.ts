/**
 * Fixed-width integer and float decoding. Callers check that `offset + width <= bytes.length` first (a short read
 * is a format error the caller names); these helpers stay branch-free on the hot path.
 */
function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function readU16(bytes: Uint8Array, offset: number): number {
  return view(bytes).getUint16(offset, true);
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return view(bytes).getUint32(offset, true);
}

export function readI32(bytes: Uint8Array, offset: number): number {
  return view(bytes).getInt32(offset, true);
}

/** u64 as a `number`, or `undefined` when it exceeds `Number.MAX_SAFE_INTEGER` (no real file offset does). */
export function readU64(bytes: Uint8Array, offset: number): number | undefined {
  const value = view(bytes).getBigUint64(offset, true);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

export function readI64(bytes: Uint8Array, offset: number): bigint {
  return view(bytes).getBigInt64(offset, true);
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
  return signature.every((byte, index) => bytes[offset + index] === byte);
}
