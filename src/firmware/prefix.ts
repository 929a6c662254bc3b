// Finds and decodes the 24-byte module prefix (module_info_t). User parts
// carry it at offset 0; system parts after the interrupt vector table, at an
// offset the platform table gives (0x184 Gen2, 0x200 Gen3).
import { ModuleFunction } from '../core/domain.js';
import { PLATFORMS, PLATFORM_NAMES } from '../core/platform.js';
import { PREFIX, PREFIX_SIZE } from './layout.js';

export interface RawPrefix {
  offset: number;
  start: number;
  end: number;
  flags: number;
  version: number;
  platformId: number;
  funcCode: number;
  index: number;
  deps: { funcCode: number; index: number; version: number }[];
}

const OFFSETS = [...new Set([0, ...PLATFORM_NAMES.map((n) => PLATFORMS[n].systemPrefixOffset)])];
const KNOWN_FUNCTIONS = new Set<number>(Object.values(ModuleFunction));
/** Larger than any slot on any platform: a prefix claiming more is noise. */
const MAX_MODULE_LENGTH = 4 * 1024 * 1024;

export function decodePrefix(buf: Buffer, offset: number): RawPrefix {
  const at = (field: number) => offset + field;
  const dep = (field: number) => ({
    funcCode: buf.readUInt8(at(field)),
    index: buf.readUInt8(at(field) + 1),
    version: buf.readUInt16LE(at(field) + 2),
  });
  return {
    offset,
    start: buf.readUInt32LE(at(PREFIX.start)),
    end: buf.readUInt32LE(at(PREFIX.end)),
    flags: buf.readUInt8(at(PREFIX.flags)),
    version: buf.readUInt16LE(at(PREFIX.version)),
    platformId: buf.readUInt16LE(at(PREFIX.platformId)),
    funcCode: buf.readUInt8(at(PREFIX.func)),
    index: buf.readUInt8(at(PREFIX.index)),
    deps: [dep(PREFIX.dep1), dep(PREFIX.dep2)],
  };
}

function plausible(p: RawPrefix): boolean {
  const depOk = (d: RawPrefix['deps'][number]) =>
    d.funcCode === 0 ? d.index === 0 && d.version === 0 : KNOWN_FUNCTIONS.has(d.funcCode);
  return p.start < p.end && p.end - p.start + 4 <= MAX_MODULE_LENGTH &&
    KNOWN_FUNCTIONS.has(p.funcCode) && p.deps.every(depOk);
}

/**
 * The prefix whose end - start + 4 matches the file length wins; failing
 * that (a truncated or padded file), the first plausible one, so the length
 * and CRC problems can be reported instead of "not a module".
 */
export function findPrefix(buf: Buffer): RawPrefix | undefined {
  const candidates = OFFSETS.filter((o) => o + PREFIX_SIZE <= buf.length)
    .map((o) => decodePrefix(buf, o))
    .filter(plausible);
  return candidates.find((p) => p.end - p.start + 4 === buf.length) ?? candidates[0];
}
