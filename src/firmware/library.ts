// Typed door to binary-version-reader (CommonJS, untyped). Everything the
// firmware code uses from it goes through here, so its quirks live in one place.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Prefix fields as binary-version-reader names them (addresses as numbers or hex strings). */
export interface BvrPrefix {
  prefixOffset?: number;
  moduleStartAddy: number | string;
  moduleEndAddy: number | string;
  reserved: number;
  moduleFlags: number;
  moduleVersion: number;
  platformID: number;
  moduleFunction: number;
  moduleIndex: number;
  depModuleFunction: number;
  depModuleIndex: number;
  depModuleVersion: number;
  dep2ModuleFunction: number;
  dep2ModuleIndex: number;
  dep2ModuleVersion: number;
}

export interface BvrSuffix {
  productId: number;
  productVersion: number;
  reserved: number;
  /** SHA-256 as hex (or a Buffer) */
  fwUniqueId?: string | Buffer;
  suffixSize: number;
  /** CRC-32 as 8 hex digits (big-endian), or a Buffer. */
  crcBlock?: string | Buffer;
}

/** What HalModuleParser.parseBuffer resolves to (the parts we read). */
export interface BvrParsed {
  crc: { ok: boolean; storedCrc: string; actualCrc: string };
  prefixInfo: BvrPrefix & { moduleStartAddy: string; moduleEndAddy: string; prefixOffset: number };
  suffixInfo: BvrSuffix & { fwUniqueId: string; crcBlock: string };
}

interface Bvr {
  HalModuleParser: new () => { parseBuffer(info: { fileBuffer: Buffer }): Promise<BvrParsed> };
  updateModulePrefix(data: Buffer, prefix: Partial<BvrPrefix>): Buffer;
  updateModuleSuffix(data: Buffer, suffix: Partial<BvrSuffix> & { suffixSize: number }): Buffer;
  updateModuleSha256(data: Buffer): Buffer;
  updateModuleCrc32(data: Buffer): Buffer;
  globalConfig: { crc32(buf: Buffer): Buffer };
}

export const bvr = require('binary-version-reader') as Bvr;

/** CRC-32 (IEEE) of `buf` as an unsigned number; the library returns it big-endian. */
export function crc32(buf: Buffer): number {
  return bvr.globalConfig.crc32(buf).readUInt32BE(0);
}
