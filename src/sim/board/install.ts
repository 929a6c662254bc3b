// Validation of an image the board is asked to install (YMODEM, USB control
// requests, OTA): it must parse, fit its slot, carry a good CRC, be built for
// this platform and sit at an address the slot accepts. These installs go
// through the OTA area and are checked before they are applied: a user part
// whose dependencies the board does not meet is refused there (seed 002: the
// staged module's full dependency check fails, vc 94 / vv 30, and the old app
// keeps running), while DFU writes it in place and the board then boots into
// safe mode. A system part is not refused for its dependencies: the cloud's
// safe mode healer sends them one at a time.
import { parseModule } from '../../firmware/parse.js';
import { CheckBits } from './types.js';
import type { PlatformInfo } from '../../core/platform.js';
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
  const code = failureCode(r) & (module.info.func === 'userPart' ? ~0 : ~CheckBits.dependencies);
  if (code !== 0) return { ok: false, code, message: `Validation failed: ${code}` };
  return { ok: true, slot, module };
}
