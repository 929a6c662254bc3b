// Typed door to binary-version-reader 2.5 (CommonJS, untyped): the suffix
// writer and the checksum helpers. Its quirks, checked against its source:
// - updateModulePrefix assigns the end address to an undeclared variable and
//   so leaks a global `addr` (make.ts writes the prefix itself);
// - HalModuleParser is async-only and accepts garbage (plain text "parses" as a
//   module of function 108), so parse.ts reads the prefix itself and the tests
//   use HalModuleParser as an independent cross-check.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Suffix fields as binary-version-reader names them. */
export interface BvrSuffix {
  suffixSize: number;
  productId?: number;
  productVersion?: number;
  reserved?: number;
}

interface Bvr {
  /** Writes product id/version, reserved and suffix size; leaves SHA and CRC alone. */
  updateModuleSuffix(data: Buffer, suffix: BvrSuffix): Buffer;
  /** SHA-256 of [0, len-38) into its place at len-38. */
  updateModuleSha256(data: Buffer): Buffer;
  /** CRC-32 of [0, len-4) into the last 4 bytes, big-endian. */
  updateModuleCrc32(data: Buffer): Buffer;
  globalConfig: { crc32(buf: Buffer): Buffer };
}

let loaded: Bvr | undefined;

/**
 * The library, loaded on first use: its main module pulls in zip and archive
 * packages (half a second of start-up on a loaded machine), which a command
 * that never builds or checks a module (a plan with a typo, `rig boards`)
 * should not pay for.
 */
export function bvr(): Bvr {
  return (loaded ??= require('binary-version-reader') as Bvr);
}

/** CRC-32 (IEEE) of `buf` as an unsigned number; the library returns it big-endian. */
export function crc32(buf: Buffer): number {
  return bvr().globalConfig.crc32(buf).readUInt32BE(0);
}
