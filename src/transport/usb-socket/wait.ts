// Waiting for a board to (re)appear on a USB-over-socket bus, found by its
// serial number (the device ID), never by address or port: both change on
// every re-enumeration.
import { TimeoutError } from '../../errors.js';
import { PARTICLE_VID, platformByPid } from '../../platform.js';
import { busConnection } from './bus-connection.js';
import { listDevicesOn, type UsbSocketDevice } from './list.js';

export type UsbMode = 'dfu' | 'serial' | 'any';

export interface WaitOptions {
  mode?: UsbMode;
  timeoutMs: number;
  /** Between two looks at the bus (one round trip each). Default 10 ms. */
  pollMs?: number;
  /** Ignore this enumeration (the one that is about to go away). */
  notDevId?: number;
  signal?: AbortSignal;
}

function inMode(d: UsbSocketDevice, mode: UsbMode): boolean {
  const p = platformByPid(d.productId);
  if (!p) return false;
  return mode === 'any' || mode === (p.dfu ? 'dfu' : 'serial');
}

/** The Particle device whose serial number is `deviceId`, in `mode`, once it is on the bus. */
export async function waitForUsbSocketDevice(socketPath: string, deviceId: string, o: WaitOptions): Promise<UsbSocketDevice> {
  const wanted = deviceId.toLowerCase();
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    o.signal?.throwIfAborted();
    const devices = await listDevicesOn(await busConnection(socketPath), { vendorId: PARTICLE_VID });
    const hit = devices.find((d) => d.serialNumber.toLowerCase().includes(wanted) && d.devId !== o.notDevId && inMode(d, o.mode ?? 'any'));
    if (hit) return hit;
    if (Date.now() >= deadline) throw new TimeoutError(`USB device ${wanted} (${o.mode ?? 'any'} mode) on ${socketPath}`, o.timeoutMs);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 10));
  }
}
