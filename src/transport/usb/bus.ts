// A USB bus the rig looks at for Particle boards: the native one (libusb
// through particle-usb and node-usb) or one on a Unix socket. Both answer
// the same two questions: who is on the bus, and open this board.
import type { DeviceId } from '../../core/domain.js';
import type { PlatformInfo } from '../../core/platform.js';
import type { ParticleUsbDevice } from '../usb-socket/particle-usb.js';
import { withDeadline } from '../../core/clock.js';

/** One Particle board as enumeration shows it (VID 0x2b04, PID by platform and mode). */
export interface UsbBoardListing {
  id: DeviceId;
  platform: PlatformInfo;
  mode: 'dfu' | 'serial';
  productId: number;
  /** "<bus>-<port>[.<port>]", as dfu-util prints it. */
  portPath: string;
  /** Differs for every enumeration: a reset or mode change gives a new one. */
  enumeration: string;
}

export type UsbOpenMode = 'dfu' | 'serial' | 'any';

export type BusGeneration = number | undefined;

export interface UsbOpenRequest {
  mode: UsbOpenMode;
  timeoutMs: number;
  signal?: AbortSignal;
  enumeration?: string;
}

/**
 * An opened board for one job. `release` ends the job: the bus closes the
 * device, or keeps it open for the next job on the same enumeration; a job
 * that failed says so, and its device is not used again.
 */
export interface UsbLease {
  device: ParticleUsbDevice;
  release(o?: { failed?: boolean }): Promise<void>;
}

export interface UsbBus {
  /** For messages: "native USB", "USB bus at /run/bus.sock". */
  readonly description: string;
  list(signal?: AbortSignal): Promise<UsbBoardListing[]>;
  /**
   * Opens the board with this device ID, waiting up to `timeoutMs` for it to
   * be on the bus. `enumeration`: the one a listing just showed, which the bus
   * may open without listing again (a board that left since fails the job's
   * first request, as it would have a moment after a fresh listing).
   */
  open(id: DeviceId, o: UsbOpenRequest): Promise<UsbLease>;
  /** A count of the bus's changes now (undefined where the bus keeps none). */
  generation(): Promise<BusGeneration>;
  /**
   * Resolves once the bus changed after `since` (at once if it already did),
   * or after `withinMs`: waits for a board wake when it re-enumerates.
   */
  nextChange(since: BusGeneration, withinMs: number, signal?: AbortSignal): Promise<BusGeneration>;
  /** Closes whatever the bus keeps open for this board (when the rig is done with it). */
  closeBoard(id: DeviceId): Promise<void>;
}

/** Closes a device; one that already left the bus, or does not answer, is closed all the same. */
export async function closeQuietly(device: ParticleUsbDevice): Promise<void> {
  if (!device.isOpen) return;
  await withDeadline(device.close({ processPendingRequests: false, timeout: 1000 }), 2000, 'closing a USB device').catch(() => undefined);
}
