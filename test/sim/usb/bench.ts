// Test fixtures for the simulated USB bus: real simulated boards on a fast
// clock, the bus on a real Unix socket, the libusb stand-in built if
// missing, and real dfu-util run through it. Everything is torn down with
// the test.
import type { Test } from 'tap';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type Result } from 'execa';
import { createClock } from '../../../src/sim/clock.js';
import { createSimBoard, type SimBoardOptions } from '../../../src/sim/board/create.js';
import type { SimulatedBoard } from '../../../src/sim/board/simulated-board.js';
import { startUsbBus, type SimUsbBus } from '../../../src/sim/usb/bus.js';
import type { DeviceId } from '../../../src/core/domain.js';
import type { SimBoard } from '../../../src/sim/board/contract.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const NATIVE_LIB = join(ROOT, 'build', 'native', 'libusb-socket.so');

export const PHOTON_A = '3a002c000847343337373738' as DeviceId;
export const PHOTON_B = '3a002c000847343337373799' as DeviceId;
export const ARGON = 'e00fce68f1c5b4ae6c2a5a31' as DeviceId;

/** Builds the libusb stand-in when a fresh checkout has not run `npm ci` yet. */
export async function ensureNativeLibrary(): Promise<string> {
  if (!existsSync(NATIVE_LIB)) await execa('node', [join(ROOT, 'scripts', 'build-native.mjs'), '--strict'], { timeout: 60_000 });
  return NATIVE_LIB;
}

export interface UsbBench {
  bus: SimUsbBus;
  socketPath: string;
  boards: SimulatedBoard[];
}

type BoardSpec = Partial<SimBoardOptions> & Pick<SimBoardOptions, 'id' | 'platform'>;

/**
 * Boards powered on and attached to a bus. The socket lives in a short
 * directory under the OS temp dir: a Unix socket path must stay under 108
 * bytes, which tap's fixture directories can exceed.
 */
export async function startUsbBench(t: Test, specs: BoardSpec[], scale = 1000): Promise<UsbBench> {
  const socketPath = join(await shortTempDir(t), 'bus.sock');
  const clock = createClock(scale);
  const boards = specs.map((s, i) => createSimBoard({ name: `b${i + 1}`, clock, ...s }));
  const bus = await startUsbBus({ socketPath, boards });
  t.teardown(async () => {
    await bus.close();
    for (const b of boards) b.dispose();
  });
  for (const b of boards) b.powerOn();
  await Promise.all(boards.map((b) => until(b, 'on USB', () => b.usb !== 'absent')));
  return { bus, socketPath, boards };
}

/** A directory short enough for Unix socket paths, removed with the test. */
export async function shortTempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rig-usb-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Resolves when `check` holds, re-checked whenever the board changes; rejects after `wallMs`. */
export function until(board: SimBoard, what: string, check: () => boolean, wallMs = 5000): Promise<void> {
  if (check()) return Promise.resolve();
  const events = ['usbChange', 'mode', 'led', 'cloudConnection'] as const;
  return new Promise((resolve, reject) => {
    const onChange = (): void => {
      if (!check()) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${board.name}: timed out after ${wallMs} ms waiting for ${what} (mode ${board.mode}, usb ${board.usb})`));
    }, wallMs);
    const done = (): void => {
      clearTimeout(timer);
      for (const e of events) board.off(e, onChange);
    };
    for (const e of events) board.on(e, onChange);
  });
}

export async function intoDfu(board: SimBoard): Promise<void> {
  board.enterMode('dfu');
  await until(board, 'DFU mode on USB', () => board.usb === 'dfu');
}

/** Unmodified dfu-util, reaching the bus through the preloaded libusb stand-in. */
export async function dfuUtil(socketPath: string | undefined, args: string[]): Promise<Result<{ reject: false; all: true }>> {
  const env: Record<string, string> = { LD_PRELOAD: await ensureNativeLibrary() };
  if (socketPath !== undefined) env.RIG_USB_SOCKET = socketPath;
  return execa('dfu-util', args, { env, reject: false, all: true, timeout: 30_000 });
}

/** The SHA-256 a module's suffix carries: the running app's identity. */
export const hashOf = (image: Buffer): string => image.subarray(image.length - 38, image.length - 6).toString('hex');
