// Reads what a module binary says about itself: prefix, suffix, checksums.
// Synchronous on purpose (the simulator parses images inside request handlers).
// binary-version-reader's HalModuleParser is async-only and never rejects a
// file: on garbage it guesses "the likeliest" prefix offset. So the 24-byte
// prefix and the suffix are read here at the offsets particle-facts §6 fixes,
// and the tests cross-check this reader against HalModuleParser.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { moduleFunctionName, type ModuleDependency, type ModuleInfo } from '../core/domain.js';
import { InputError } from '../core/errors.js';
import { platformById } from '../core/platform.js';
import { crc32 } from './library.js';
import { FROM_END, MIN_MODULE_SIZE, crcRegionEnd, shaRegionEnd } from './layout.js';
import { findPrefix } from './prefix.js';

const NOT_A_MODULE_FIX = 'expected a Particle module binary (.bin) such as `rig firmware make` writes';

export function parseModule(buf: Buffer, file = '<buffer>'): ModuleInfo {
  const notModule = (why: string) => new InputError(`not a Particle module: ${why}`, { file }, NOT_A_MODULE_FIX);
  if (buf.length < MIN_MODULE_SIZE) {
    throw notModule(`the file is ${buf.length} bytes; a module has at least ${MIN_MODULE_SIZE}`);
  }
  const prefix = findPrefix(buf);
  if (!prefix) throw notModule('no module prefix at offset 0, 0x184 or 0x200');

  const len = buf.length;
  const dependencies: ModuleDependency[] = [];
  for (const dep of prefix.deps) {
    const func = moduleFunctionName(dep.funcCode);
    if (dep.funcCode !== 0 && func) dependencies.push({ func, index: dep.index, version: dep.version });
  }
  return {
    platform: platformById(prefix.platformId)?.name,
    platformId: prefix.platformId,
    func: moduleFunctionName(prefix.funcCode),
    funcCode: prefix.funcCode,
    index: prefix.index,
    version: prefix.version,
    startAddress: prefix.start,
    endAddress: prefix.end,
    flags: prefix.flags,
    dependencies,
    productId: buf.readUInt16LE(len - FROM_END.productId),
    productVersion: buf.readUInt16LE(len - FROM_END.productVersion),
    sha256: buf.subarray(len - FROM_END.sha256, len - FROM_END.sha256 + 32).toString('hex'),
    crcStored: buf.readUInt32BE(len - FROM_END.crc),
    crcComputed: crc32(buf.subarray(0, crcRegionEnd(len))),
    suffixSize: buf.readUInt16LE(len - FROM_END.suffixSize),
    fileSize: len,
  };
}

/** SHA-256 of [0, len-38): what the stored hash must equal. Lower-case hex. */
export function computeSha256(buf: Buffer): string {
  return createHash('sha256').update(buf.subarray(0, shaRegionEnd(buf.length))).digest('hex');
}

/**
 * The largest file the rig reads as a module: above any slot of any
 * platform (the biggest, a P2's system part, is about 1.5 MB), so a wrong
 * path (a disk image, /dev/zero) is refused before it is read.
 */
export const MAX_MODULE_FILE_BYTES = 16 * 1024 * 1024;

export function readModuleFile(path: string): { buf: Buffer; info: ModuleInfo } {
  let buf: Buffer;
  try {
    // Only a regular file: reading a device (/dev/zero) or a FIFO never ends.
    const stat = statSync(path);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!stat.isFile()) throw new InputError('firmware file: not a regular file (a device, a pipe or a socket)', { file: path }, 'name the .bin file of a module');
    if (stat.size > MAX_MODULE_FILE_BYTES) {
      throw new InputError(`firmware file: ${stat.size} bytes is too large to be a module (at most ${MAX_MODULE_FILE_BYTES})`, { file: path }, 'name the .bin file of a module, not an image of a whole flash');
    }
    buf = readFileSync(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read it (${code ?? String(err)})`;
    throw new InputError(`firmware file: ${why}`, { file: path }, 'check the path');
  }
  return { buf, info: parseModule(buf, path) };
}
