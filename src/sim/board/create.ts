// Builds one simulated board from a bench entry: platform, device ID,
// Device OS release (and so its module versions), the app in its user part,
// the link and the file system. The board starts powered off: wire the
// endpoints to its events, then call powerOn().
import { makeTestApp } from '../../firmware/make.js';
import { parseModule } from '../../firmware/parse.js';
import { isDeviceId, type DeviceId } from '../../core/domain.js';
import { deviceOsProblem, flashLayout, knownRelease } from '../../core/device-os.js';
import { PLATFORMS, type PlatformName } from '../../core/platform.js';
import { defaultLink, NetworkLink, type LinkOptions } from '../network/link.js';
import { DfuMemory } from './dfu-memory.js';
import { FileSystem } from './file-system.js';
import { iccidOf, imeiOf, macAddressOf } from './identity.js';
import { ModuleStore } from './module-store.js';
import { SimulatedBoard, type SimBoardSetup } from './simulated-board.js';
import { slotForImage, stockSlots } from './slots.js';
import type { SimClock } from './contract.js';
import { defaultSimDeviceOs } from '../../bench/sim-schema.js';

export type { LinkOptions } from '../network/link.js';

export interface SimBoardOptions {
  name: string;
  id: DeviceId;
  platform: PlatformName;
  clock: SimClock;
  /** Device OS release the platform ran, e.g. "1.5.2" (default: defaultSimDeviceOs). */
  deviceOs?: string;
  /** Overrides the system module version the release implies. */
  systemVersion?: number;
  /** The user part in flash. Default: a plain test app built with this board's release, needing exactly its system version. */
  app?: Buffer;
  network?: Partial<LinkOptions>;
  fs?: { sizeBytes?: number; usedPercent?: number };
  /** 'usb' (default): powered through the USB cable, so unplugging it cuts power; 'external': a battery or Vin supply. */
  power?: 'usb' | 'external';
}

const KB = 1024;

export function createSimBoard(o: SimBoardOptions): SimulatedBoard {
  const platform = PLATFORMS[o.platform];
  if (!platform) throw new TypeError(`Expected a platform name (${Object.keys(PLATFORMS).join(', ')}), got ${JSON.stringify(o.platform)}`);
  if (!isDeviceId(o.id)) throw new TypeError(`Expected a device ID of 24 lower-case hex digits, got ${JSON.stringify(o.id)}`);
  const deviceOs = o.deviceOs ?? defaultSimDeviceOs(platform.name);
  // The bench refuses such a board (src/bench/checks.ts); a direct caller gets the same facts.
  const problem = deviceOsProblem(platform.name, deviceOs);
  if (problem) throw new TypeError(`${problem.message} (${problem.fix})`);
  const release = knownRelease(deviceOs);
  const system = o.systemVersion ?? release.system;

  const slots = stockSlots(platform, flashLayout(platform, deviceOs), { system, bootloader: release.bootloader });
  const memory = new DfuMemory(platform);
  const app = o.app ?? makeTestApp({ platform: platform.name, deviceOs, depends: [{ func: 'system-part', index: 1, version: system }] });
  const info = parseModule(app, `${o.name} app`);
  const slot = slotForImage(slots, info);
  if (slot) {
    slot.module = { info, image: app };
    memory.place(app, info.startAddress);
  }

  const setup: SimBoardSetup = {
    name: o.name,
    id: o.id,
    platform,
    clock: o.clock,
    deviceOs,
    modules: new ModuleStore({ platform, deviceOs }, slots, memory),
    // Gen2 boards have no flash file system of their own; a nominal one keeps the fill fault meaningful.
    fs: new FileSystem(o.fs ?? {}, platform.generation === 2 ? 128 * KB : 2048 * KB),
    link: new NetworkLink({ ...defaultLink(platform.radio), ...o.network }, o.id),
    macAddress: macAddressOf(o.id),
    imei: platform.radio === 'cellular' ? imeiOf(o.id) : undefined,
    iccid: platform.radio === 'cellular' ? iccidOf(o.id) : undefined,
    poweredByUsb: (o.power ?? 'usb') === 'usb',
  };
  return new SimulatedBoard(setup);
}
