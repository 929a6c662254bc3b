// The boards of a bench as Board objects: each with its log capture
// (trace.log) and, when the bench has a cloud, its event capture
// (events.ndjson) in its artifacts folder. Also what is on the USB bus,
// name-less, for `rig boards`.
import { join } from 'node:path';
import type { BenchBoard } from '../bench/schema.js';
import type { DeviceId } from '../core/domain.js';
import { InputError } from '../core/errors.js';
import { PLATFORMS, type PlatformName } from '../core/platform.js';
import { captureDeviceEvents } from '../transport/cloud.js';
import { usbBusFor, withUsbControl, type UsbBoardListing, type UsbBus } from '../transport/usb.js';
import type { BenchAccess } from '../core/bench-access.js';
import { BenchClock } from '../core/clock.js';
import { RigBoard } from './board.js';
import { SerialLogCapture } from './log-capture.js';
import { moduleInfoOf, readSerialMode } from './on-usb.js';
import { serialPortLocator } from './serial-port-finder.js';
import type { Board, BoardPresence } from '../core/board-contract.js';

export interface OpenBoardsOptions {
  /** The board's artifacts folder (trace.log, events.ndjson). */
  artifactsDir: (board: BenchBoard) => string;
}

export async function openBoard(access: BenchAccess, bench: BenchBoard, dir: string, bus: UsbBus = usbBusFor(access.usb)): Promise<Board> {
  // Before the captures start: the rig knows nothing of the board from earlier.
  const openedAt = Date.now();
  const log = SerialLogCapture.start({ board: bench.name, locate: serialPortLocator(bench.id, { serial: bench.serial }), file: join(dir, 'trace.log') });
  try {
    const events = access.cloud ? await captureDeviceEvents(access.cloud, bench.id, join(dir, 'events.ndjson')) : undefined;
    return new RigBoard({
      name: bench.name,
      id: bench.id,
      platform: PLATFORMS[bench.platform],
      bench,
      access,
      clock: new BenchClock(access.timeScale),
      bus,
      log,
      events,
      openedAt,
    });
  } catch (err) {
    await log.close();
    throw err;
  }
}

function wrongPlatform(bench: BenchBoard, listing: UsbBoardListing | undefined): InputError | undefined {
  if (!listing || listing.platform.name === bench.platform) return undefined;
  return new InputError(`board ${bench.name} (${bench.id}): the bench file says platform ${bench.platform}, USB shows platform ${listing.platform.name}`, undefined, 'fix its platform in the bench file');
}

/**
 * Opens every board; each entry is the Board, or the Error that kept it from
 * opening (the others still run). Keyed by device ID.
 */
export async function openBoards(access: BenchAccess, boards: readonly BenchBoard[], o: OpenBoardsOptions): Promise<Map<DeviceId, Board | Error>> {
  const bus = usbBusFor(access.usb);
  const listed = await bus.list();
  const opened = await Promise.allSettled(
    boards.map((b) => {
      const wrong = wrongPlatform(b, listed.find((l) => l.id === b.id));
      return wrong ? Promise.reject(wrong) : openBoard(access, b, o.artifactsDir(b), bus);
    }),
  );
  return new Map(boards.map((b, i) => {
    const r = opened[i];
    const value = r?.status === 'fulfilled' ? r.value : r?.reason instanceof Error ? r.reason : new Error(String(r?.reason));
    return [b.id, value] as const;
  }));
}

export interface DiscoveredBoard {
  id: DeviceId;
  platform: PlatformName;
  mode: BoardPresence;
  /** USB port path, "<bus>-<port>". */
  usbPort: string;
}

/** The mode of a board the bus lists as a serial device, for a board the rig has not opened (so never asked for safe mode). */
async function serialModeOf(bus: UsbBus, id: DeviceId, signal?: AbortSignal): Promise<BoardPresence> {
  const reading = await withUsbControl(bus, id, { mode: 'serial', timeoutMs: 2000, signal }, (c) =>
    readSerialMode(c, { safeByRequest: false, moduleInfo: () => moduleInfoOf(c, signal), signal }),
  );
  return reading.mode;
}

/** Every Particle board on the bench's USB bus now, with its mode. */
export async function discoverBoards(access: BenchAccess, signal?: AbortSignal): Promise<DiscoveredBoard[]> {
  const bus = usbBusFor(access.usb);
  const found: DiscoveredBoard[] = [];
  for (const l of await bus.list(signal)) {
    const mode = l.mode === 'dfu' ? 'dfu' : await serialModeOf(bus, l.id, signal).catch(() => 'absent' as const);
    found.push({ id: l.id, platform: l.platform.name, mode, usbPort: l.portPath });
  }
  return found;
}
