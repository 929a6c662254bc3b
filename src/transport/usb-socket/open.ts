// particle-usb devices on a USB-over-socket bus: found by device ID, opened
// through particle-usb's own `openNativeUsbDevice`, so every particle-usb
// call (getDeviceId, getDeviceMode, getFirmwareModuleInfo, enterSafeMode,
// enterListeningMode, reset, updateFirmware...) runs its real code.
import { InfraError } from '../../core/errors.js';
import { PARTICLE_VID, platformByPid, type PlatformName } from '../../core/platform.js';
import { listUsbSocketDevices, type UsbSocketDevice } from './list.js';
import { UsbSocketNativeDevice } from './native-device.js';
import { particleUsb, type ParticleUsbDevice } from './particle-usb.js';
import { waitForUsbSocketDevice, type UsbMode } from './wait.js';

export interface ParticleBoardOnBus {
  deviceId: string;
  platform: PlatformName;
  mode: 'dfu' | 'serial';
  vendorId: number;
  productId: number;
  portPath: string;
}

/** Particle boards on the bus, as board discovery needs them. */
export async function listParticleBoards(socketPath: string): Promise<ParticleBoardOnBus[]> {
  const devices = await listUsbSocketDevices(socketPath, { vendorId: PARTICLE_VID });
  return devices.flatMap((d) => {
    const p = platformByPid(d.productId);
    if (!p) return [];
    const deviceId = (/[0-9a-f]{24}/i.exec(d.serialNumber)?.[0] ?? d.serialNumber).toLowerCase();
    return [{ deviceId, platform: p.platform.name, mode: p.dfu ? 'dfu' : 'serial', vendorId: d.vendorId, productId: d.productId, portPath: d.portPath } as const];
  });
}

export interface OpenOptions {
  /** Which enumeration to open; default any. */
  mode?: UsbMode;
  /** How long the board may take to appear on the bus. Default 5 s. */
  timeoutMs?: number;
}

/**
 * Opens the board with this device ID. particle-usb's enterDfuMode waits for
 * the board to come back by looking on node-usb's bus, where a socket-bus
 * board never appears; on this device it waits on the socket bus instead.
 */
export async function openParticleDevice(socketPath: string, deviceId: string, o: OpenOptions = {}): Promise<ParticleUsbDevice> {
  const found = await waitForUsbSocketDevice(socketPath, deviceId, { mode: o.mode ?? 'any', timeoutMs: o.timeoutMs ?? 5000 });
  return openFoundDevice(found, deviceId);
}

/** Opens a device a listing found (this enumeration of it). */
export async function openFoundDevice(found: UsbSocketDevice, deviceId: string): Promise<ParticleUsbDevice> {
  const socketPath = found.socketPath;
  const d = found.listed.deviceDescriptor;
  const strings = new Map([[d.readUInt8(14), found.manufacturer], [d.readUInt8(15), found.product], [d.readUInt8(16), found.serialNumber]]);
  strings.delete(0);
  const native = new UsbSocketNativeDevice(socketPath, found.listed, strings);
  let device: ParticleUsbDevice;
  try {
    device = await particleUsb.openNativeUsbDevice(native);
  } catch (err) {
    native.close();
    throw new InfraError(`particle-usb could not open ${deviceId} on ${socketPath}: ${(err as Error).message}`, undefined, { cause: err });
  }
  const enterDfuMode = device.enterDfuMode.bind(device);
  Object.defineProperty(device, 'enterDfuMode', {
    value: async (opts: { noReconnectWait?: boolean; timeout?: number } = {}) => {
      if (device.isInDfuMode) return;
      await enterDfuMode({ ...opts, noReconnectWait: true });
      if (opts.noReconnectWait) return;
      await waitForUsbSocketDevice(socketPath, deviceId, { mode: 'dfu', timeoutMs: opts.timeout ?? 10_000, notDevId: found.devId });
    },
  });
  return device;
}
