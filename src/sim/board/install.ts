// Validation of an image the board is asked to install (YMODEM, USB control
// requests, OTA): it must parse, fit its slot, carry a good CRC, be built for
// this platform and sit at an address the slot accepts. Dependencies are not
// a reason to refuse: such an image is installed and the board then boots
// into safe mode, as real boards do.
import { parseModule } from '../../firmware/parse.js';
import { CheckBits } from './types.js';
import type { PlatformInfo } from '../../platform.js';
import { checkModule, failureCode } from './checks.js';
import { slotForImage, type Slot, type StoredModule } from './slots.js';

export type InstallCheck =
  | { ok: true; slot: Slot; module: StoredModule }
  | { ok: false; code: number; message: string };

/** Messages as the board prints them on serial (particle-facts §4). */
export const TOO_BIG = 'The file size is higher than the allowed space memory!';

export function validateForInstall(image: Buffer, platform: PlatformInfo, slots: readonly Slot[]): InstallCheck {
  let module: StoredModule;
  try {
    module = { info: parseModule(image), image };
  } catch {
    return { ok: false, code: CheckBits.integrity, message: `Validation failed: ${CheckBits.integrity}` };
  }
  const slot = slotForImage(slots, module.info);
  if (!slot) return { ok: false, code: CheckBits.range, message: `Validation failed: ${CheckBits.range}` };
  if (image.length > slot.maxSize) return { ok: false, code: CheckBits.range, message: TOO_BIG };
  const r = checkModule(module, slot, platform, slots);
  const code = failureCode(r) & ~CheckBits.dependencies;
  if (code !== 0) return { ok: false, code, message: `Validation failed: ${code}` };
  return { ok: true, slot, module };
}
