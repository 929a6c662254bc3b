// The USB bus of a bench reached over a Unix socket (src/transport/usb-socket):
// listing by VID/PID and serial number, and particle-usb devices opened on it.
import { parseDeviceId, type DeviceId } from '../../domain.js';
import { PARTICLE_VID, platformByPid } from '../../platform.js';
import { listUsbSocketDevices, openParticleDevice } from '../usb-socket/index.js';
import type { ParticleUsbDevice } from '../usb-socket/particle-usb.js';
import type { UsbBoardListing, UsbBus, UsbOpenMode } from './bus.js';
import { withDeadline } from './deadline.js';

export class SocketUsbBus implements UsbBus {
  readonly description: string;

  constructor(readonly socketPath: string) {
    this.description = `the USB bus at ${socketPath}`;
  }

  async list(signal?: AbortSignal): Promise<UsbBoardListing[]> {
    signal?.throwIfAborted();
    const devices = await listUsbSocketDevices(this.socketPath, { vendorId: PARTICLE_VID });
    return devices.flatMap((d) => {
      const p = platformByPid(d.productId);
      const id = parseDeviceId(d.serialNumber);
      if (!p || !id) return [];
      return [{ id, platform: p.platform, mode: p.dfu ? 'dfu' : 'serial', productId: d.productId, portPath: d.portPath, enumeration: `socket:${d.devId}` } as const];
    });
  }

  open(id: DeviceId, o: { mode: UsbOpenMode; timeoutMs: number; signal?: AbortSignal }): Promise<ParticleUsbDevice> {
    // The adapter's own wait has the same limit; the deadline is the backstop for a bus that stops answering.
    return withDeadline(openParticleDevice(this.socketPath, id, { mode: o.mode, timeoutMs: o.timeoutMs }), o.timeoutMs + 5000, `opening ${id} on ${this.description}`, o.signal);
  }
}
