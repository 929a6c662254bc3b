// particle-usb's module info (new format since Device OS 5.6, deprecated one
// before) as the rig's BoardModule. The deprecated format lists main-location
// modules only, without hashes or slot sizes: slot sizes then come from the
// platform table.
import type { BoardModule } from '../../core/board-contract.js';
import type { PlatformInfo } from '../../core/platform.js';
import type { FirmwareModuleInfo } from '../usb-socket/particle-usb.js';

const FUNC: Record<string, BoardModule['func']> = {
  BOOTLOADER: 'bootloader',
  SYSTEM_PART: 'system-part',
  USER_PART: 'user-part',
  MONO_FIRMWARE: 'monolithic',
  NCP_FIRMWARE: 'ncp',
  RADIO_STACK: 'radio-stack',
};

const STORE: Record<string, BoardModule['location']> = { MAIN: 'main', BACKUP: 'backup', FACTORY: 'factory', SCRATCHPAD: 'temporary' };

const DEP_FUNC: Record<string, string> = { BOOTLOADER: 'bootloader', SYSTEM_PART: 'system-part', USER_PART: 'user-part', MONO_FIRMWARE: 'monolithic', NCP_FIRMWARE: 'ncp', RADIO_STACK: 'radio-stack' };

function slotSize(platform: PlatformInfo, func: BoardModule['func'], index: number, fallback: number): number {
  if (func === 'user-part') return platform.userPart.maxSize;
  if (func === 'bootloader') return platform.bootloader.maxSize;
  if (func === 'system-part') return platform.systemParts[index]?.maxSize ?? fallback;
  return fallback;
}

export function boardModuleOf(m: FirmwareModuleInfo, platform: PlatformInfo): BoardModule {
  const func = FUNC[m.type] ?? 'unknown';
  const failed = (what: string): boolean => m.validityErrors.includes(what);
  return {
    func,
    index: m.index,
    version: m.version,
    location: m.store === undefined ? 'main' : (STORE[m.store] ?? 'main'),
    maxSize: m.maxSize ?? slotSize(platform, func, m.index, m.size),
    hash: func === 'user-part' && m.hash && !/^0*$/.test(m.hash) ? m.hash.toLowerCase() : undefined,
    checks: {
      integrity: !failed('INTEGRITY_CHECK_FAILED'),
      dependencies: !failed('DEPENDENCY_CHECK_FAILED'),
      range: !failed('RANGE_CHECK_FAILED'),
      platform: !failed('PLATFORM_CHECK_FAILED'),
    },
    dependencies: m.dependencies.map((d) => ({ func: DEP_FUNC[d.type] ?? d.type.toLowerCase(), index: d.index, version: d.version })),
  };
}

export function boardModulesOf(list: readonly FirmwareModuleInfo[], platform: PlatformInfo): BoardModule[] {
  return list.map((m) => boardModuleOf(m, platform));
}
