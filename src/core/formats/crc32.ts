// CRC-32 (IEEE, the zip and gzip polynomial), table-driven.
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

/** CRC-32 (ZIP/PNG polynomial); `previous` continues a running checksum. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let crc = ~previous;
  // Indexed loop: several times faster than an iterator on multi-MB data.pkl records.
  for (let at = 0; at < bytes.length; at++)
    crc = (CRC_TABLE[(crc ^ (bytes[at] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  return ~crc >>> 0;
}
