// Byte layout of a Particle module binary (particle-facts §6). Offsets into
// the suffix are counted back from the end of the file, as the board reads them.

/** module_info_t: start, end, reserved, flags, version, platform, function, index, 2 deps. */
export const PREFIX_SIZE = 24;

/** Classic user-part suffix: product id/version, reserved, SHA-256, suffix size (CRC not counted). */
export const CLASSIC_SUFFIX_SIZE = 40;

/** Back from the end of the file. */
export const FROM_END = {
  productId: 44,
  productVersion: 42,
  reserved: 40,
  sha256: 38,
  suffixSize: 6,
  crc: 4,
} as const;

/** Smallest file with a prefix, a classic suffix and a CRC. */
export const MIN_MODULE_SIZE = PREFIX_SIZE + CLASSIC_SUFFIX_SIZE + FROM_END.crc;

/** Where prefix fields sit, relative to the prefix start. */
export const PREFIX = {
  start: 0,
  end: 4,
  reserved: 8,
  flags: 9,
  version: 10,
  platformId: 12,
  func: 14,
  index: 15,
  dep1: 16,
  dep2: 20,
} as const;

/** SHA-256 covers [0, len-38); CRC-32 covers [0, len-4). */
export function shaRegionEnd(fileSize: number): number {
  return fileSize - FROM_END.sha256;
}
export function crcRegionEnd(fileSize: number): number {
  return fileSize - FROM_END.crc;
}
