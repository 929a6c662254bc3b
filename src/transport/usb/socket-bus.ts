// The USB bus of a bench reached over a Unix socket (src/transport/usb-socket):
// listing by VID/PID and serial number, and particle-usb devices opened on it.
// A board in serial mode stays open between jobs on the same enumeration,
// so a question to it costs its control requests, not an open and a close;
// a new enumeration (reset, mode change, replug) gets a fresh open. DFU-mode
// devices are never kept: dfu-util must be able to claim them. A job on the
// enumeration a listing just showed opens it from that listing, without
// listing the bus again.
import { parseDeviceId, type DeviceId } from '../../core/domain.js';
import { PARTICLE_VID, platformByPid } from '../../core/platform.js';
import { busGeneration, listUsbSocketDevices, nextBusChange, openFoundDevice, waitForUsbSocketDevice, type UsbSocketDevice } from '../usb-socket/index.js';
import type { ParticleUsbDevice } from '../usb-socket/particle-usb.js';
import { closeQuietly, type BusGeneration, type UsbBoardListing, type UsbBus, type UsbLease, type UsbOpenMode, type UsbOpenRequest } from './bus.js';
import { withDeadline } from '../../core/clock.js';

interface KeptDevice {
  devId: number;
  device: Promise<ParticleUsbDevice>;
}

export class SocketUsbBus implements UsbBus {
  readonly description: string;
  readonly #kept = new Map<DeviceId, KeptDevice>();
  /** Each board as the latest listing showed it. */
  readonly #listed = new Map<DeviceId, UsbSocketDevice>();

  constructor(readonly socketPath: string) {
    this.description = `the USB bus at ${socketPath}`;
  }

  async list(signal?: AbortSignal): Promise<UsbBoardListing[]> {
    signal?.throwIfAborted();
    const devices = await listUsbSocketDevices(this.socketPath, { vendorId: PARTICLE_VID });
    this.#listed.clear();
    return devices.flatMap((d) => {
      const p = platformByPid(d.productId);
      const id = parseDeviceId(d.serialNumber);
      if (!p || !id) return [];
      this.#listed.set(id, d);
      return [{ id, platform: p.platform, mode: p.dfu ? 'dfu' : 'serial', productId: d.productId, portPath: d.portPath, enumeration: `socket:${d.devId}` } as const];
    });
  }

  open(id: DeviceId, o: UsbOpenRequest): Promise<UsbLease> {
    // The adapter's own wait has the same limit; the deadline is the backstop for a bus that stops answering.
    return withDeadline(this.lease(id, o), o.timeoutMs + 5000, `opening ${id} on ${this.description}`, o.signal);
  }

  generation(): Promise<BusGeneration> {
    return busGeneration(this.socketPath);
  }

  nextChange(since: BusGeneration, withinMs: number, signal?: AbortSignal): Promise<BusGeneration> {
    return nextBusChange(this.socketPath, since, withinMs, signal);
  }

  async closeBoard(id: DeviceId): Promise<void> {
    const kept = this.#kept.get(id);
    this.#kept.delete(id);
    if (kept) await kept.device.then(closeQuietly, () => undefined);
  }

  /** The listing of `enumeration` when it is the latest one of the board and in `mode`. */
  #justListed(id: DeviceId, enumeration: string | undefined, mode: UsbOpenMode): UsbSocketDevice | undefined {
    const d = enumeration === undefined ? undefined : this.#listed.get(id);
    if (!d || `socket:${d.devId}` !== enumeration) return undefined;
    const dfu = platformByPid(d.productId)?.dfu;
    return mode === 'any' || (mode === 'dfu') === dfu ? d : undefined;
  }

  private async lease(id: DeviceId, o: { mode: UsbOpenMode; timeoutMs: number; enumeration?: string }, retried = false): Promise<UsbLease> {
    const found = (!retried && this.#justListed(id, o.enumeration, o.mode)) || (await waitForUsbSocketDevice(this.socketPath, id, { mode: o.mode, timeoutMs: o.timeoutMs }));
    if (platformByPid(found.productId)?.dfu) {
      const device = await openFoundDevice(found, id);
      return { device, release: () => closeQuietly(device) };
    }
    let kept = this.#kept.get(id);
    if (kept && kept.devId !== found.devId) {
      // The enumeration it belonged to is gone.
      await this.closeBoard(id);
      kept = undefined;
    }
    if (!kept) {
      kept = { devId: found.devId, device: openFoundDevice(found, id) };
      this.#kept.set(id, kept);
      kept.device.catch(() => this.forget(id, kept!));
    }
    const device = await kept.device;
    if (!device.isOpen && !retried) {
      // Closed under us (it left the bus, or a failed job closed it): open this enumeration afresh.
      this.forget(id, kept);
      return this.lease(id, o, true);
    }
    const held = kept;
    return {
      device,
      release: async (r) => {
        // A device that failed a job is not trusted with the next one.
        if (r?.failed && this.#kept.get(id) === held) await this.closeBoard(id);
      },
    };
  }

  private forget(id: DeviceId, kept: KeptDevice): void {
    if (this.#kept.get(id) === kept) this.#kept.delete(id);
  }
}
