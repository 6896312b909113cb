// Test-only: writes GGUF headers the way gguf-py's GGUFWriter lays them out (ggml docs/gguf.md), so tests and
// benches can build files with any metadata, tensor table, or damage.

export type GgufKvSpec =
  | { key: string; u32: number }
  | { key: string; text: string }
  | { key: string; strings: string[] }
  | { key: string; raw: number[] };
export type GgufTensorSpec = { name: string; shape: number[]; type: number; offset: number };

const encoder = new TextEncoder();

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}
function u64(value: number | bigint): number[] {
  const big = BigInt(value);
  return Array.from({ length: 8 }, (_, index) => Number((big >> BigInt(8 * index)) & 0xffn));
}
function str(text: string): number[] {
  const bytes = [...encoder.encode(text)];
  return [...u64(bytes.length), ...bytes];
}

function kvBytes(kv: GgufKvSpec): number[] {
  if ("u32" in kv) return [...str(kv.key), ...u32(4), ...u32(kv.u32)];
  if ("text" in kv) return [...str(kv.key), ...u32(8), ...str(kv.text)];
  if ("strings" in kv)
    return [...str(kv.key), ...u32(9), ...u32(8), ...u64(kv.strings.length)].concat(kv.strings.flatMap(str));
  return [...str(kv.key), ...kv.raw];
}

/** Header bytes up to the data section (padded to 32), and where that section starts. */
export function ggufHeaderBytes(spec: { kv: GgufKvSpec[]; tensors: GgufTensorSpec[] }): Uint8Array {
  const out: number[] = [
    0x47,
    0x47,
    0x55,
    0x46,
    ...u32(3),
    ...u64(spec.tensors.length),
    ...u64(spec.kv.length),
  ];
  // Loops, not spreads: a 100k-entry vocabulary would overflow the call stack.
  for (const kv of spec.kv) for (const byte of kvBytes(kv)) out.push(byte);
  for (const tensor of spec.tensors)
    out.push(
      ...str(tensor.name),
      ...u32(tensor.shape.length),
      ...tensor.shape.flatMap(u64),
      ...u32(tensor.type),
      ...u64(tensor.offset),
    );
  while (out.length % 32 !== 0) out.push(0);
  return new Uint8Array(out);
}

export const ggufBytes = { u32, u64, str };
