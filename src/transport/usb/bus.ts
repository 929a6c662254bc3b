// A USB bus the rig looks at for Particle boards: the native one (libusb
// through particle-usb and node-usb) or one on a Unix socket. Both answer
// the same two questions: who is on the bus, and open this board.
import type { DeviceId } from '../../domain.js';
import type { PlatformInfo } from '../../platform.js';
import type { ParticleUsbDevice } from '../usb-socket/particle-usb.js';

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

export interface UsbBus {
  /** For messages: "native USB", "USB bus at /run/bus.sock". */
  readonly description: string;
  list(signal?: AbortSignal): Promise<UsbBoardListing[]>;
  /** Opens the board with this device ID, waiting up to `timeoutMs` for it to be on the bus. */
  open(id: DeviceId, o: { mode: UsbOpenMode; timeoutMs: number; signal?: AbortSignal }): Promise<ParticleUsbDevice>;
}
