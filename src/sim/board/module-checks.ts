// The validity checks a board runs on each module at boot and before it
// installs one (particle-facts §3, §6): integrity (CRC), address range,
// platform and dependencies. `vc` is what was checked, `vv` what passed.
//
// Installs (YMODEM, USB control requests, OTA) go through the OTA area and
// are checked before they are applied: a user part whose dependencies the
// board does not meet is refused there (seed 002: the staged module's full
// dependency check fails, vc 94 / vv 30, and the old app keeps running),
// while DFU writes it in place and the board then boots into safe mode. A
// system part is not refused for its dependencies: the cloud's safe mode
// healer sends them one at a time.
import { parseModule } from '../../firmware/parse.js';
import { unmetDependencies } from '../../firmware/dependency.js';
import type { ModuleInfo } from '../../core/domain.js';
import { acceptedUserPartStarts } from '../../core/device-os.js';
import type { PlatformInfo } from '../../core/platform.js';
import { CheckBits, type SimModuleSlot } from './contract.js';
import { slotForImage, type Slot, type StoredModule } from './slots.js';

/** What a board checks a module against: its platform and the Device OS it runs (which user part slots it takes). */
export interface CheckedOn {
  platform: PlatformInfo;
  deviceOs: string;
}

export const CHECKED = CheckBits.integrity | CheckBits.dependencies | CheckBits.range | CheckBits.platform;

export interface CheckResult {
  vc: number;
  vv: number;
  /** One plain sentence per failed check. */
  failures: string[];
}

function inRange(info: ModuleInfo, slot: Slot, { platform, deviceOs }: CheckedOn): boolean {
  const size = info.endAddress - info.startAddress + 4;
  if (info.endAddress <= info.startAddress || size > slot.maxSize) return false;
  if (slot.func !== 'u') return info.startAddress === slot.start;
  const starts = acceptedUserPartStarts(platform, deviceOs);
  if (starts === 'grows-left') return info.endAddress + 4 === platform.userPartEnd;
  return starts.includes(info.startAddress) && info.endAddress + 4 <= platform.userPartEnd;
}

function systemParts(slots: readonly Slot[]): { index: number; version: number }[] {
  return slots.filter((s) => s.func === 's' && s.location === 'm' && s.module)
    .map((s) => ({ index: s.index, version: s.module?.info.version ?? 0 }));
}

/** Checks `module` as if it sat in `slot` of a board whose other slots are `slots`. */
export function checkModule(module: StoredModule, slot: Slot, on: CheckedOn, slots: readonly Slot[]): CheckResult {
  const { info, image } = module;
  const { platform } = on;
  const failures: string[] = [];
  let vv = 0;
  const intact = image ? info.crcStored === info.crcComputed && info.fileSize === image.length : true;
  if (intact) vv |= CheckBits.integrity;
  else failures.push(`CRC mismatch: stored ${info.crcStored.toString(16)}, computed ${info.crcComputed.toString(16)}`);
  if (info.platformId === platform.id) vv |= CheckBits.platform;
  else failures.push(`built for platform ${info.platform ?? info.platformId}, board is ${platform.name} (${platform.id})`);
  if (inRange(info, slot, on)) vv |= CheckBits.range;
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

export function checkSlot(slot: Slot, on: CheckedOn, slots: readonly Slot[]): CheckResult | undefined {
  return slot.module ? checkModule(slot.module, slot, on, slots) : undefined;
}

/** The slots as the `s` command and the cloud see them: with their check bits. */
export function describeSlots(slots: readonly Slot[], on: CheckedOn): SimModuleSlot[] {
  return slots.map((slot) => {
    const base = { func: slot.func, index: slot.index, location: slot.location, maxSize: slot.maxSize };
    const r = checkSlot(slot, on, slots);
    return slot.module && r ? { ...base, module: { info: slot.module.info, vc: r.vc, vv: r.vv } } : base;
  });
}

export type InstallCheck =
  | { ok: true; slot: Slot; module: StoredModule }
  | { ok: false; code: number; message: string };

/** Messages as the board prints them on serial (particle-facts §4). */
export const TOO_BIG = 'The file size is higher than the allowed space memory!';

/** Whether the board installs `image`: it must parse, fit its slot and pass the checks above. */
export function validateForInstall(image: Buffer, on: CheckedOn, slots: readonly Slot[]): InstallCheck {
  let module: StoredModule;
  try {
    module = { info: parseModule(image), image };
  } catch {
    return { ok: false, code: CheckBits.integrity, message: `Validation failed: ${CheckBits.integrity}` };
  }
  const slot = slotForImage(slots, module.info);
  if (!slot) return { ok: false, code: CheckBits.range, message: `Validation failed: ${CheckBits.range}` };
  if (image.length > slot.maxSize) return { ok: false, code: CheckBits.range, message: TOO_BIG };
  const r = checkModule(module, slot, on, slots);
  const code = failureCode(r) & (module.info.func === 'userPart' ? ~0 : ~CheckBits.dependencies);
  if (code !== 0) return { ok: false, code, message: `Validation failed: ${code}` };
  return { ok: true, slot, module };
}
