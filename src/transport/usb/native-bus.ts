// The host's own USB bus: node-usb lists Particle devices (VID 0x2b04, PID
// by platform and mode) and reads their serial number (the device ID);
// particle-usb opens them. Loaded on first use, so a socket bench never
// touches libusb.
// Two things the kernel bench showed with two boards on one host:
// - node-usb hands every caller the same device object, and particle-usb
//   opens every Particle device (and closes it again) to find one by serial
//   number. Two boards' jobs opening at once, or a listing reading serial
//   numbers beside them, closed a device under another's pending request
//   ("Can't close device with a pending request"). So every open and close
//   in this process goes through one queue.
// - A listing that opens each device to read its serial number also meets a
//   device udev has not yet given to plugdev (permission denied) right after
//   it enumerates. On Linux the serial number is read from sysfs instead, no
//   open at all; elsewhere the device is opened (in the queue), unless
//   particle-usb holds it open, whose serial number is already known.
// - particle-usb's openDeviceById opens every Particle device to find one by
//   serial number, so a board's open failed when another board reset at
//   that moment (its old device gone: NO_DEVICE), and was reported as this
//   board vanishing. The rig finds the device itself and has particle-usb
//   open that one only (openNativeUsbDevice).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { InfraError } from '../../core/errors.js';
import { parseDeviceId, type DeviceId } from '../../core/domain.js';
import { PARTICLE_VID, platformByPid } from '../../core/platform.js';
import type { ParticleUsbDevice } from '../usb-socket/particle-usb.js';
import { closeQuietly, type BusGeneration, type UsbBoardListing, type UsbBus, type UsbLease, type UsbOpenMode, type UsbOpenRequest } from './bus.js';
import { sleep, withDeadline } from '../../core/clock.js';
import { isDeviceGone } from './failure.js';

interface NodeUsbDevice {
  busNumber: number;
  deviceAddress: number;
  portNumbers: number[];
  deviceDescriptor: { idVendor: number; idProduct: number; iSerialNumber: number };
  /** What particle-usb keeps on the shared device object: whether it holds it open, and the serial number it read. */
  particle?: { isOpen: boolean; serialNumber: string | null };
  open(): void;
  close(): void;
  getStringDescriptor(index: number, cb: (err?: Error, value?: string) => void): void;
}

const require = createRequire(import.meta.url);
const nodeUsb = (): { getDeviceList(): NodeUsbDevice[] } => require('usb') as { getDeviceList(): NodeUsbDevice[] };
const particleUsb = (): { openNativeUsbDevice(device: NodeUsbDevice, o?: object): Promise<ParticleUsbDevice> } =>
  require('particle-usb') as { openNativeUsbDevice(device: NodeUsbDevice, o?: object): Promise<ParticleUsbDevice> };

const UDEV_FIX = 'install the udev rules for Particle devices (deploy/udev/50-particle.rules, see the README), put this user in plugdev and dialout, and replug';

/** One at a time: every open and close of a node-usb device in this process (see the top). */
let deviceQueue: Promise<unknown> = Promise.resolve();
function inDeviceQueue<T>(work: () => Promise<T>): Promise<T> {
  const turn = deviceQueue.then(work, work);
  deviceQueue = turn.catch(() => undefined);
  return turn;
}

const SYSFS_USB = '/sys/bus/usb/devices';
let sysfsUsb: boolean | undefined;

/**
 * What sysfs says of this very device: its serial number, or undefined when
 * the port now holds another device (another device number) or none. Null
 * where there is no Linux sysfs to ask.
 */
async function serialFromSysfs(d: NodeUsbDevice): Promise<string | undefined | null> {
  sysfsUsb ??= process.platform === 'linux' && (await readFile(`${SYSFS_USB}/usb${d.busNumber}/busnum`, 'utf8').then(() => true, () => false));
  if (!sysfsUsb || d.portNumbers.length === 0) return null;
  const dir = `${SYSFS_USB}/${d.busNumber}-${d.portNumbers.join('.')}`;
  try {
    const [devnum, serial] = await Promise.all([readFile(`${dir}/devnum`, 'utf8'), readFile(`${dir}/serial`, 'utf8')]);
    return Number(devnum.trim()) === d.deviceAddress ? serial.trim() : undefined;
  } catch {
    return undefined; // it left the bus while we looked (or has no serial number)
  }
}

function serialByOpening(d: NodeUsbDevice): Promise<string | undefined> {
  if (d.particle?.isOpen) return Promise.resolve(d.particle.serialNumber ?? undefined);
  try {
    d.open();
  } catch (err) {
    if ((err as Error).message.includes('LIBUSB_ERROR_ACCESS')) {
      throw new InfraError(`Cannot open USB device ${d.busNumber}-${d.portNumbers.join('.')}: permission denied`, UDEV_FIX, { cause: err });
    }
    return Promise.resolve(undefined); // it left the bus while we looked
  }
  return new Promise((resolve) => {
    d.getStringDescriptor(d.deviceDescriptor.iSerialNumber, (err, value) => {
      try {
        d.close();
      } catch {
        // already gone
      }
      resolve(err ? undefined : value);
    });
  });
}

async function serialNumberOf(d: NodeUsbDevice): Promise<string | undefined> {
  const fromSysfs = await serialFromSysfs(d);
  return fromSysfs === null ? inDeviceQueue(() => serialByOpening(d)) : fromSysfs;
}

export class NativeUsbBus implements UsbBus {
  readonly description = 'native USB';

  async list(signal?: AbortSignal): Promise<UsbBoardListing[]> {
    return (await this.scan(signal)).map((x) => x.listing);
  }

  /** The Particle boards on the bus, each with the node-usb device it is now. */
  private async scan(signal?: AbortSignal): Promise<{ listing: UsbBoardListing; device: NodeUsbDevice }[]> {
    signal?.throwIfAborted();
    let devices: NodeUsbDevice[];
    try {
      devices = nodeUsb().getDeviceList().filter((d) => d.deviceDescriptor.idVendor === PARTICLE_VID);
    } catch (err) {
      throw new InfraError(`cannot enumerate USB devices: ${(err as Error).message}`, 'is libusb usable on this host?', { cause: err });
    }
    const found: { listing: UsbBoardListing; device: NodeUsbDevice }[] = [];
    for (const d of devices) {
      const p = platformByPid(d.deviceDescriptor.idProduct);
      if (!p) continue;
      const serial = await withDeadline(serialNumberOf(d), 5000, `reading the serial number of USB device ${d.busNumber}-${d.portNumbers.join('.')}`);
      const id = serial === undefined ? undefined : parseDeviceId(serial);
      if (!id) continue;
      found.push({
        device: d,
        listing: {
          id,
          platform: p.platform,
          mode: p.dfu ? 'dfu' : 'serial',
          productId: d.deviceDescriptor.idProduct,
          portPath: `${d.busNumber}-${d.portNumbers.join('.')}`,
          enumeration: `native:${d.busNumber}:${d.deviceAddress}`,
        },
      });
    }
    return found;
  }

  /** Each job opens the device and closes it: native handles are not kept between jobs. */
  async open(id: DeviceId, o: UsbOpenRequest): Promise<UsbLease> {
    const device = await this.openDevice(id, o);
    return { device, release: () => inDeviceQueue(() => closeQuietly(device)) };
  }

  async closeBoard(): Promise<void> {}

  // Hotplug events are not used: a wait on the native bus is a poll.
  async generation(): Promise<BusGeneration> {
    return undefined;
  }

  async nextChange(_since: BusGeneration, withinMs: number, signal?: AbortSignal): Promise<BusGeneration> {
    await sleep(withinMs, signal);
    return undefined;
  }

  private async openDevice(id: DeviceId, o: { mode: UsbOpenMode; timeoutMs: number; signal?: AbortSignal }): Promise<ParticleUsbDevice> {
    const deadline = Date.now() + o.timeoutMs;
    for (;;) {
      // Wait until the board shows the wanted mode.
      let device: NodeUsbDevice | undefined;
      while (!(device = (await this.scan(o.signal)).find((x) => x.listing.id === id && (o.mode === 'any' || x.listing.mode === o.mode))?.device)) {
        if (Date.now() >= deadline) throw new InfraError(`board ${id} is not on ${this.description} (${o.mode} mode) after ${o.timeoutMs} ms`, 'is it plugged in and powered?');
        await sleep(100, o.signal);
      }
      const found = device;
      const left = Math.max(1000, deadline - Date.now());
      const opening = inDeviceQueue(() => particleUsb().openNativeUsbDevice(found));
      try {
        return await withDeadline(opening, left, `opening ${id} on ${this.description}`, o.signal);
      } catch (err) {
        // An open that completes after its deadline is closed: a libusb handle left open keeps node running after the rig is done.
        opening.then((d) => closeQuietly(d), () => undefined);
        // The device just listed is gone (the board re-enumerated: look for its new one), or udev has not
        // yet given it to plugdev (moments after it appeared). Both pass; look again while the caller's time lasts.
        const denied = (err as Error).name === 'NotAllowedError';
        if ((denied || isDeviceGone(err)) && Date.now() + 100 < deadline && !o.signal?.aborted) {
          await sleep(100, o.signal);
          continue;
        }
        if (denied) throw new InfraError(`Cannot open USB device ${id}: permission denied`, UDEV_FIX, { cause: err });
        throw err;
      }
    }
  }
}
