// The dfu-util command line for one module (particle-facts §5): the board's
// DFU PID from the platform table, alt 0 (internal flash), the module's own
// start address from its prefix, `:leave` so the board boots what was
// written, and the device chosen by its serial number (the device ID).
import type { DeviceId } from '../../core/domain.js';
import { PARTICLE_VID, type PlatformInfo } from '../../core/platform.js';

export interface DfuWrite {
  platform: PlatformInfo;
  deviceId: DeviceId;
  /** Where the module starts (its prefix's start address). */
  address: number;
  file: string;
  /** DFU alt setting. Default 0: internal flash. */
  alt?: number;
  /** Reset into normal mode after the write. Default true. */
  leave?: boolean;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

export const hexAddress = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** `-d 2b04:<dfuPid>`: only this platform's DFU devices. */
export function deviceFilter(platform: PlatformInfo): string {
  return `${hex4(PARTICLE_VID)}:${hex4(platform.dfuPid)}`;
}

export function dfuWriteArgs(w: DfuWrite): string[] {
  if (!Number.isInteger(w.address) || w.address < 0 || w.address > 0xffffffff) {
    throw new RangeError(`Expected a 32-bit flash address, got ${String(w.address)}`);
  }
  const alt = w.alt ?? 0;
  const leave = w.leave ?? true;
  return ['-d', deviceFilter(w.platform), '-a', String(alt), '-s', `${hexAddress(w.address)}${leave ? ':leave' : ''}`, '-D', w.file, '-S', w.deviceId];
}
