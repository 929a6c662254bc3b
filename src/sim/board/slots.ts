// The board's module slots: where each module lives and what is in it.
// Stock bootloader and system parts are described, not stored byte by byte
// (nobody reads them back); user parts and anything written later keep their
// bytes, because their hash and CRC are what the rig checks.
import { createHash } from 'node:crypto';
import type { ModuleFunctionName, ModuleInfo } from '../../core/domain.js';
import { ModuleFunction } from '../../core/domain.js';
import type { FlashLayout, PlatformInfo } from '../../core/platform.js';
import type { ModuleLocation, SimModuleSlot } from './contract.js';

export type SlotFunc = SimModuleSlot['func'];

export interface StoredModule {
  info: ModuleInfo;
  /** The image as written; absent for the stock parts the simulator only describes. */
  image?: Buffer;
}

export interface Slot {
  func: SlotFunc;
  index: number;
  location: ModuleLocation;
  start: number;
  maxSize: number;
  module?: StoredModule;
}

const LETTER: Partial<Record<ModuleFunctionName, SlotFunc>> = {
  bootloader: 'b', systemPart: 's', userPart: 'u', ncp: 'c', radioStack: 'a',
};

export function slotFuncOf(func: ModuleFunctionName | undefined): SlotFunc | undefined {
  return func ? LETTER[func] : undefined;
}

/** A described (stock) module: consistent checksums, a stable made-up hash. */
export function stockModule(p: {
  platform: PlatformInfo; func: ModuleFunctionName; index: number; version: number;
  start: number; size: number; deps?: ModuleInfo['dependencies'];
}): StoredModule {
  const sha256 = createHash('sha256').update(`${p.platform.name}/${p.func}/${p.index}/${p.version}`).digest('hex');
  return {
    info: {
      platform: p.platform.name, platformId: p.platform.id, func: p.func, funcCode: ModuleFunction[p.func],
      index: p.index, version: p.version, startAddress: p.start, endAddress: p.start + p.size - 4, flags: 0,
      dependencies: p.deps ?? [], productId: 0xffff, productVersion: 0xffff, sha256,
      crcStored: 0, crcComputed: 0, suffixSize: 40, fileSize: p.size,
    },
  };
}

/**
 * Stock slots of a platform in the flash layout of its Device OS, with that
 * release's module versions. System parts chain their dependencies the way
 * real releases do (seed 004: Electron part 1 needs part 3, part 2 needs
 * part 1; seed 000: Gen3 part 1 needs the bootloader).
 */
export function stockSlots(platform: PlatformInfo, layout: FlashLayout, versions: { system: number; bootloader: number }): Slot[] {
  const { system, bootloader } = versions;
  const slots: Slot[] = [];
  const bl = platform.bootloader;
  slots.push({ func: 'b', index: 0, location: 'm', ...bl,
    module: stockModule({ platform, func: 'bootloader', index: 0, version: bootloader, start: bl.start, size: Math.min(bl.maxSize, 16384) }) });
  const indices = Object.keys(layout.systemParts).map(Number).sort((a, b) => a - b);
  for (const index of indices) {
    const region = layout.systemParts[index];
    if (!region) continue;
    const deps: ModuleInfo['dependencies'] = [];
    if (platform.generation >= 3) deps.push({ func: 'bootloader', index: 0, version: bootloader });
    else if (indices.length === 3) {
      const on = index === 1 ? 3 : index === 2 ? 1 : undefined;
      if (on !== undefined) deps.push({ func: 'systemPart', index: on, version: system });
    } else if (index > 1) deps.push({ func: 'systemPart', index: index - 1, version: system });
    slots.push({ func: 's', index, location: 'm', ...region,
      module: stockModule({ platform, func: 'systemPart', index, version: system, start: region.start, size: region.maxSize, deps }) });
  }
  const user = layout.userPart;
  slots.push({ func: 'u', index: 1, location: 'm', start: user.start, maxSize: user.maxSize });
  slots.push({ func: 'u', index: 1, location: 'f', start: user.start, maxSize: user.maxSize });
  slots.push({ func: 'u', index: 0, location: 't', start: user.start, maxSize: user.maxSize });
  if (platform.name === 'argon') {
    // The ESP32 network co-processor (seed 000 shows "NCP module #0 - version 5").
    slots.push({ func: 'c', index: 0, location: 'm', start: 0, maxSize: 1536000,
      module: stockModule({ platform, func: 'ncp', index: 0, version: 5, start: 0, size: 1536000 }) });
  }
  return slots;
}

export function findSlot(slots: readonly Slot[], func: SlotFunc, index: number, location: ModuleLocation = 'm'): Slot | undefined {
  return slots.find((s) => s.func === func && s.index === index && s.location === location);
}

/** The main-location slot an image belongs to. */
export function slotForImage(slots: readonly Slot[], info: ModuleInfo): Slot | undefined {
  const func = slotFuncOf(info.func);
  if (!func) return undefined;
  return findSlot(slots, func, func === 'u' ? 1 : info.index);
}

export function userSlot(slots: readonly Slot[]): Slot {
  const s = findSlot(slots, 'u', 1);
  if (!s) throw new Error('board without a user part slot');
  return s;
}
