// `dfu-util -l`: every DFU interface on the bus, one line per alt setting
// (particle-facts §5), parsed; each knows its platform and device ID.
import { parseDeviceId, type DeviceId } from '../../core/domain.js';
import { platformByPid, type PlatformInfo } from '../../core/platform.js';
import { dfuFailure } from './outcome.js';
import { runDfuUtil, type DfuAccess } from './run.js';

export interface DfuListing {
  vendorId: number;
  productId: number;
  devnum: number;
  /** USB path, e.g. "1-1". */
  path: string;
  alt: number;
  /** DfuSe memory descriptor, e.g. "@Internal Flash   /0x08000000/...". */
  name: string;
  serial: string;
  deviceId: DeviceId | undefined;
  /** Known when the PID is a Particle DFU PID. */
  platform: PlatformInfo | undefined;
}

const FOUND = /^Found DFU: \[([0-9a-f]{4}):([0-9a-f]{4})\] ver=[0-9a-f]+, devnum=(\d+), cfg=\d+, intf=\d+, path="([^"]*)", alt=(\d+), name="([^"]*)", serial="([^"]*)"/i;

export function parseDfuList(stdout: string): DfuListing[] {
  return stdout.split('\n').flatMap((line) => {
    const m = FOUND.exec(line.trim());
    if (!m) return [];
    const productId = parseInt(m[2] as string, 16);
    const found = platformByPid(productId);
    const serial = m[7] as string;
    return [{
      vendorId: parseInt(m[1] as string, 16),
      productId,
      devnum: Number(m[3]),
      path: m[4] as string,
      alt: Number(m[5]),
      name: m[6] as string,
      serial,
      deviceId: parseDeviceId(serial),
      platform: found?.dfu ? found.platform : undefined,
    }];
  });
}

export async function listDfuDevices(access: DfuAccess, o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<DfuListing[]> {
  const run = await runDfuUtil(access, ['-l'], { timeoutMs: o.timeoutMs ?? 15_000, signal: o.signal });
  if (run.spawnCode || run.exitCode !== 0) {
    const failure = dfuFailure(run, { deviceId: 'any', device: 'any' });
    if (failure) throw failure;
  }
  return parseDfuList(run.stdout);
}
