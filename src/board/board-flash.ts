// Flashing one board, every way a product ships. The image is checked
// against the board before anything is sent; DFU, serial and USB flashes
// wait for the board to come back (normal or safe mode) afterwards, OTA ends
// when the cloud took the update (the steps check what happened).
import type { FlashMethod } from '../core/domain.js';
import { InfraError, FlashRejectedError, UnsupportedError } from '../core/errors.js';
import { checkModuleForBoard, moduleProblemsError } from '../firmware/index.js';
import { deviceConnected, flashOverCloud } from '../transport/cloud.js';
import { flashDfu } from '../transport/dfu.js';
import { flashOverSerial } from '../transport/serial.js';
import { usbUpdateFirmware, withUsbControl } from '../transport/usb.js';
import { sleep } from '../core/clock.js';
import { enterMode } from './enter-mode.js';
import type { BoardParts } from './parts.js';
import { waitForBoardBack } from './come-back.js';
import { listingOf, readPresence } from './presence.js';
import { CLOUD_ONLINE_BOARD_MS } from './timing.js';
import { type FirmwareImage, type FlashProgress, type FlashReport } from '../core/board-contract.js';

const ONLINE = { name: 'spark/status', data: /^online/ } as const;
/** Between two looks at whether the cloud sees the board, when nothing wakes the rig sooner. */
const ONLINE_RECHECK_MS = 100;

export interface FlashOptions {
  signal?: AbortSignal;
  onProgress?: (p: FlashProgress) => void;
}

async function viaDfu(p: BoardParts, fw: FirmwareImage, o: FlashOptions): Promise<FlashReport> {
  await enterMode(p, 'dfu', o.signal);
  const before = (await listingOf(p, o.signal))?.enumeration;
  const report = await flashDfu(p.access, { deviceId: p.id, platform: p.platform }, fw, { signal: o.signal, onProgress: o.onProgress, timeoutMs: p.clock.wallMsWithRigWork(300_000, 60_000) });
  return waitForBoardBack(p, report, before, o.signal);
}

async function viaSerial(p: BoardParts, fw: FirmwareImage, o: FlashOptions): Promise<FlashReport> {
  // USB asks for listening mode where it can (Device OS 6 ignores the 28800-baud trick).
  await enterMode(p, 'listening', o.signal);
  const before = (await listingOf(p, o.signal))?.enumeration;
  let report: FlashReport;
  try {
    report = await flashOverSerial(p.log, fw.image, { signal: o.signal, onProgress: o.onProgress });
  } catch (err) {
    // The board stays in listening mode after a refusal: give it back its app.
    if (err instanceof FlashRejectedError) await enterMode(p, 'normal', o.signal).catch(() => undefined);
    throw err;
  }
  return waitForBoardBack(p, report, before, o.signal);
}

async function viaUsb(p: BoardParts, fw: FirmwareImage, o: FlashOptions): Promise<FlashReport> {
  if ((await readPresence(p, o.signal)) === 'dfu') await enterMode(p, 'normal', o.signal);
  const before = (await listingOf(p, o.signal))?.enumeration;
  const started = Date.now();
  const messages = await withUsbControl(p.bus, p.id, { mode: 'serial', timeoutMs: 3000, signal: o.signal }, (c) =>
    usbUpdateFirmware(c, fw.image, { timeoutMs: p.clock.wallMsWithRigWork(300_000, 60_000), signal: o.signal, onProgress: o.onProgress }),
  );
  return waitForBoardBack(p, { method: 'usb', durationMs: Date.now() - started, messages }, before, o.signal);
}

async function viaOta(p: BoardParts, fw: FirmwareImage, o: FlashOptions): Promise<FlashReport> {
  const cloud = p.access.cloud;
  if (!cloud) throw new UnsupportedError(`OTA needs a cloud, and bench ${p.access.name} names none`);
  const started = Date.now();
  // A board that just booted is not online yet: give the cloud the time a board takes to connect,
  // asking again when the board's spark/status online arrives (or after a pause, without events).
  const deadline = started + p.clock.wallMsWithRigWork(CLOUD_ONLINE_BOARD_MS, 2000);
  for (;;) {
    const from = p.events?.log.events().length ?? 0;
    if ((await deviceConnected(cloud, p.id)) || Date.now() >= deadline) break;
    if (p.events) await p.events.log.waitFor(ONLINE.name, { data: ONLINE.data, fromSeq: from, withinMs: ONLINE_RECHECK_MS, signal: o.signal });
    else await sleep(ONLINE_RECHECK_MS, o.signal);
  }
  const reply = await flashOverCloud(cloud, p.id, fw, { signal: o.signal });
  return { method: 'ota', durationMs: Date.now() - started, messages: [`cloud: HTTP ${reply.statusCode}: ${reply.status}`] };
}

export async function flashBoard(p: BoardParts, fw: FirmwareImage, via: FlashMethod, o: FlashOptions = {}): Promise<FlashReport> {
  const problem = moduleProblemsError(fw.source, checkModuleForBoard(fw.info, p.platform, 'any'));
  if (problem) throw problem;
  switch (via) {
    case 'dfu': return viaDfu(p, fw, o);
    case 'serial': return viaSerial(p, fw, o);
    case 'usb': return viaUsb(p, fw, o);
    case 'ota': return viaOta(p, fw, o);
    default: throw new InfraError(`unknown flash method ${String(via)}`);
  }
}
