// CRC-32 (IEEE, the zip and gzip polynomial), slicing-by-8: eight table lookups per 8 bytes instead of one per
// byte. data.pkl is checksummed on every read (a damaged pickle is reported as such), so this is on the hot path.
const CRC_TABLES = (() => {
  const tables = new Uint32Array(256 * 8);
  for (let index = 0; index < 256; index++) {
    let value = index;
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    tables[index] = value >>> 0;
  }
  for (let index = 0; index < 256; index++) {
    let value = tables[index] as number;
    for (let slice = 1; slice < 8; slice++) {
      value = (tables[value & 0xff] as number) ^ (value >>> 8);
      tables[slice * 256 + index] = value >>> 0;
    }
  }
  return tables;
})();

/** CRC-32 (ZIP/PNG polynomial); `previous` continues a running checksum. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = CRC_TABLES;
  let crc = ~previous;
  let at = 0;
  const whole = bytes.length - (bytes.length % 8);
  for (; at < whole; at += 8) {
    const low =
      (crc ^
        ((bytes[at] as number) |
          ((bytes[at + 1] as number) << 8) |
          ((bytes[at + 2] as number) << 16) |
          ((bytes[at + 3] as number) << 24))) >>>
      0;
    crc =
      (t[1792 + (low & 0xff)] as number) ^
      (t[1536 + ((low >>> 8) & 0xff)] as number) ^
      (t[1280 + ((low >>> 16) & 0xff)] as number) ^
      (t[1024 + (low >>> 24)] as number) ^
      (t[768 + (bytes[at + 4] as number)] as number) ^
      (t[512 + (bytes[at + 5] as number)] as number) ^
      (t[256 + (bytes[at + 6] as number)] as number) ^
      (t[bytes[at + 7] as number] as number);
  }
  for (; at < bytes.length; at++) crc = (t[(crc ^ (bytes[at] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}
