// USB control of Particle boards through particle-usb 3.8: who is on the
// bus (enumeration by VID/PID, serial number = device ID), and one board
// opened by device ID for control requests (identity, mode, modules, reset,
// DFU / safe / listening mode, firmware update). The bus is the host's own
// or one reached over a Unix socket; callers cannot tell them apart.
import type { UsbAccess } from '../core/bench-access.js';
import type { DeviceId } from '../core/domain.js';
import type { UsbBus, UsbOpenMode } from './usb/bus.js';
import { UsbControl } from './usb/control.js';
import { NativeUsbBus } from './usb/native-bus.js';
import { SocketUsbBus } from './usb/socket-bus.js';
import { isRefused, isTimeout, usbFailure } from './usb/failure.js';
import { InfraError } from '../core/errors.js';
import { platformByPid } from '../core/platform.js';

export type { BusGeneration, UsbBus, UsbBoardListing, UsbLease, UsbOpenMode } from './usb/bus.js';
export { UsbControl, USB_CALL_MS } from './usb/control.js';
export { usbUpdateFirmware } from './usb/update.js';
export { boardModulesOf } from './usb/modules.js';
export { isDeviceGone, isRefused } from './usb/failure.js';

export function usbBusFor(access: UsbAccess): UsbBus {
  return access.kind === 'native' ? new NativeUsbBus() : new SocketUsbBus(access.socket);
}

export interface OpenUsbOptions {
  mode?: UsbOpenMode;
  /** How long the board may take to show up on the bus (wall ms). Default 5 s. */
  timeoutMs?: number;
  /** Limit for each control request afterwards (wall ms). */
  callMs?: number;
  signal?: AbortSignal;
  /** The enumeration a listing just showed: opened without listing the bus again (see UsbBus.open). */
  enumeration?: string;
}

/** Opens the board with this device ID for control requests. */
export async function openUsbControl(bus: UsbBus, id: DeviceId, o: OpenUsbOptions = {}): Promise<UsbControl> {
  const mode = o.mode ?? 'any';
  const timeoutMs = o.timeoutMs ?? 5000;
  let lease;
  try {
    lease = await bus.open(id, { mode, timeoutMs, signal: o.signal, enumeration: o.enumeration });
  } catch (err) {
    if (o.signal?.aborted || err instanceof InfraError) throw err;
    if (isTimeout(err)) {
      throw new InfraError(`board ${id} is not on ${bus.description}${mode === 'any' ? '' : ` in ${mode} mode`} after ${timeoutMs} ms`, 'is it plugged in and powered?', { cause: err });
    }
    throw usbFailure(err, 'opening the device', id, bus.description);
  }
  const platform = platformByPid(lease.device.productId)?.platform;
  if (!platform) {
    await lease.release({ failed: true });
    throw usbFailure(new Error(`unknown USB product ID 0x${lease.device.productId.toString(16)}`), 'opening the device', id, bus.description);
  }
  return new UsbControl(id, platform, lease, bus.description, o.callMs);
}

/**
 * Opens, runs `fn`, releases: one job per lease. The bus decides whether the
 * device stays open for the next job (never past its enumeration: every mode
 * change ends it); a job that failed, other than by a refused request, does
 * not leave its device to the next.
 */
export async function withUsbControl<T>(bus: UsbBus, id: DeviceId, o: OpenUsbOptions, fn: (c: UsbControl) => Promise<T>): Promise<T> {
  const control = await openUsbControl(bus, id, o);
  let failed = false;
  try {
    return await fn(control);
  } catch (err) {
    failed = !isRefused(err);
    throw err;
  } finally {
    await control.release({ failed });
  }
}
