// What one Board is made of: its bench entry, how the bench is reached, the
// USB bus, its log and event captures, the bench control, and the little it
// remembers about the board's state (which enumeration is in safe mode).
import type { BenchBoard } from '../bench/schema.js';
import type { DeviceId } from '../core/domain.js';
import type { PlatformInfo } from '../core/platform.js';
import type { BenchControl } from '../transport/bench-control.js';
import type { DeviceEventCapture } from '../transport/cloud.js';
import type { UsbBus } from '../transport/usb.js';
import type { BenchAccess } from '../core/bench-access.js';
import type { BenchClock } from '../core/clock.js';
import type { BoardModule } from '../core/board-contract.js';
import type { SerialLogCapture } from './log-capture.js';

export interface BoardMemory {
  /**
   * The enumeration the board showed after the rig asked for safe mode.
   * Device OS reports safe mode as NORMAL to GetDeviceMode; the rig knows it
   * asked, and a reset (a new enumeration) ends it.
   */
  safeEnumeration?: string;
  /** The enumeration last seen, and the earliest wall time it can date from. */
  enumeration?: string;
  enumeratedAt?: number;
  /**
   * The module info read on an enumeration (undefined: the board refused the
   * request). What a boot runs cannot change until the next boot, and every
   * boot is a new enumeration, so it is read once per enumeration.
   */
  modulesSeen?: { enumeration: string; modules: BoardModule[] | undefined };
  /** The app hash read over serial on an enumeration: the same boot runs the same app. */
  appSeen?: { enumeration: string; hash: string | undefined };
  /** When the rig last looked at the bus, and when the Board was opened (wall ms). */
  lastLookAt?: number;
  openedAt: number;
}

export interface BoardParts {
  name: string;
  id: DeviceId;
  platform: PlatformInfo;
  bench: BenchBoard;
  access: BenchAccess;
  /** The bench's board time, for every wait. */
  clock: BenchClock;
  bus: UsbBus;
  log: SerialLogCapture;
  events: DeviceEventCapture | undefined;
  control: BenchControl | undefined;
  memory: BoardMemory;
}
