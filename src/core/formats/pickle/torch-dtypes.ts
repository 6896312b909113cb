// torch storage classes and dtypes (formats.md §1.3, `torch/storage.py:_dtype_to_storage_type_map`).

/** Storage class name → [dtype, element size in bytes]. UntypedStorage counts bytes. */
export const storageTypes: Readonly<Record<string, readonly [string, number]>> = {
  DoubleStorage: ["float64", 8],
  FloatStorage: ["float32", 4],
  HalfStorage: ["float16", 2],
  LongStorage: ["int64", 8],
  IntStorage: ["int32", 4],
  ShortStorage: ["int16", 2],
  CharStorage: ["int8", 1],
  ByteStorage: ["uint8", 1],
  BoolStorage: ["bool", 1],
  BFloat16Storage: ["bfloat16", 2],
  ComplexDoubleStorage: ["complex128", 16],
  ComplexFloatStorage: ["complex64", 8],
  QInt8Storage: ["qint8", 1],
  QUInt8Storage: ["quint8", 1],
  QInt32Storage: ["qint32", 4],
  QUInt4x2Storage: ["quint4x2", 1],
  QUInt2x4Storage: ["quint2x4", 1],
  UntypedStorage: ["uint8", 1],
};

/** dtype name → element size in bytes (undefined for sub-byte dtypes). Keys are the names torch pickles. */
export const dtypeSizes: Readonly<Record<string, number | undefined>> = {
  float64: 8,
  float32: 4,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
  complex128: 16,
  complex64: 8,
  complex32: 4,
  qint8: 1,
  quint8: 1,
  qint32: 4,
  quint4x2: 1,
  quint2x4: 1,
  float8_e5m2: 1,
  float8_e4m3fn: 1,
  float8_e5m2fnuz: 1,
  float8_e4m3fnuz: 1,
  float8_e8m0fnu: 1,
  float4_e2m1fn_x2: 1,
  bits8: 1,
  bits16: 2,
  bits1x8: 1,
  bits2x4: 1,
  bits4x2: 1,
  uint1: undefined,
  uint2: undefined,
  uint3: undefined,
  uint4: undefined,
  uint5: undefined,
  uint6: undefined,
  uint7: undefined,
  int1: undefined,
  int2: undefined,
  int3: undefined,
  int4: undefined,
  int5: undefined,
  int6: undefined,
  int7: undefined,
};

/** `torch.float`-style aliases → the canonical name. */
export const dtypeAliases: Readonly<Record<string, string>> = {
  float: "float32",
  double: "float64",
  half: "float16",
  long: "int64",
  int: "int32",
  short: "int16",
  cfloat: "complex64",
  cdouble: "complex128",
  chalf: "complex32",
};

export function canonicalDtype(name: string): string | undefined {
  if (Object.hasOwn(dtypeSizes, name)) return name;
  return dtypeAliases[name];
}

/** `FloatStorage` (any module: `torch`, `torch.cuda`, `torch.storage`) → its entry. */
export function storageTypeInfo(className: string): readonly [string, number] | undefined {
  return Object.hasOwn(storageTypes, className) ? storageTypes[className] : undefined;
}
