// The validity checks a board runs on each module at boot and before it
// installs one (particle-facts §3, §6): integrity (CRC), address range,
// platform and dependencies. `vc` is what was checked, `vv` what passed.
import { unmetDependencies } from '../../firmware/dependency.js';
import type { ModuleInfo } from '../../core/domain.js';
import { acceptedUserPartStarts, type PlatformInfo } from '../../core/platform.js';
import { CheckBits } from './types.js';
import type { Slot, StoredModule } from './slots.js';

export const CHECKED = CheckBits.integrity | CheckBits.dependencies | CheckBits.range | CheckBits.platform;

export interface CheckResult {
  vc: number;
  vv: number;
  /** One plain sentence per failed check. */
  failures: string[];
}

function inRange(info: ModuleInfo, slot: Slot, platform: PlatformInfo): boolean {
  const size = info.endAddress - info.startAddress + 4;
  if (info.endAddress <= info.startAddress || size > slot.maxSize) return false;
  if (slot.func !== 'u') return info.startAddress === slot.start;
  const starts = acceptedUserPartStarts(platform);
  if (starts === 'grows-left') return info.endAddress + 4 === platform.userPartEnd;
  return starts.includes(info.startAddress) && info.endAddress + 4 <= platform.userPartEnd;
}

function systemParts(slots: readonly Slot[]): { index: number; version: number }[] {
  return slots.filter((s) => s.func === 's' && s.location === 'm' && s.module)
    .map((s) => ({ index: s.index, version: s.module?.info.version ?? 0 }));
}

/** Checks `module` as if it sat in `slot` of a board whose other slots are `slots`. */
export function checkModule(module: StoredModule, slot: Slot, platform: PlatformInfo, slots: readonly Slot[]): CheckResult {
  const { info, image } = module;
  const failures: string[] = [];
  let vv = 0;
  const intact = image ? info.crcStored === info.crcComputed && info.fileSize === image.length : true;
  if (intact) vv |= CheckBits.integrity;
  else failures.push(`CRC mismatch: stored ${info.crcStored.toString(16)}, computed ${info.crcComputed.toString(16)}`);
  if (info.platformId === platform.id) vv |= CheckBits.platform;
  else failures.push(`built for platform ${info.platform ?? info.platformId}, board is ${platform.name} (${platform.id})`);
  if (inRange(info, slot, platform)) vv |= CheckBits.range;
  else failures.push(`address range 0x${info.startAddress.toString(16)}-0x${info.endAddress.toString(16)} does not fit the ${slot.func} slot`);
  const unmet = unmetDependencies(info, systemParts(slots));
  const bootloader = slots.find((s) => s.func === 'b')?.module?.info.version ?? 0;
  const blUnmet = info.dependencies.filter((d) => d.func === 'bootloader' && d.version > bootloader);
  if (unmet.length === 0 && blUnmet.length === 0) vv |= CheckBits.dependencies;
  for (const u of unmet) failures.push(u.message);
  for (const d of blUnmet) failures.push(`needs bootloader version ${d.version}, board has ${bootloader}`);
  return { vc: CHECKED, vv, failures };
}

export function passes(r: CheckResult): boolean {
  return r.vv === r.vc;
}

/** Code a failed install reports: the check bits that failed (the simulator's own numbering). */
export function failureCode(r: CheckResult): number {
  return r.vc & ~r.vv;
}
