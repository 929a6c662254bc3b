// Waiting for a board to (re)appear on a USB-over-socket bus, found by its
// serial number (the device ID), never by address or port: both change on
// every re-enumeration.
import { TimeoutError } from '../../core/errors.js';
import { PARTICLE_VID, platformByPid } from '../../core/platform.js';
import { withDeadline } from '../../core/clock.js';
import { busConnection } from './bus-connection.js';
import { Op } from '../../protocol/usb-socket-frame.js';
import { ANY_GENERATION, encodeWatch } from '../../protocol/usb-socket-messages.js';
import { listDevicesOn, type UsbSocketDevice } from './list.js';

export type UsbMode = 'dfu' | 'serial' | 'any';

export interface WaitOptions {
  mode?: UsbMode;
  timeoutMs: number;
  /** Longest time between two looks at the bus; a change of the bus ends a wait at once. Default 250 ms. */
  pollMs?: number;
  /** Ignore this enumeration (the one that is about to go away). */
  notDevId?: number;
  signal?: AbortSignal;
}

function inMode(d: UsbSocketDevice, mode: UsbMode): boolean {
  const p = platformByPid(d.productId);
  if (!p) return false;
  return mode === 'any' || mode === (p.dfu ? 'dfu' : 'serial');
}

/** The bus's generation now: a count of its changes, to wait for the next one from. */
export async function busGeneration(socketPath: string): Promise<number | undefined> {
  return watchCall(socketPath, 0, ANY_GENERATION);
}

/**
 * Resolves with the new generation once the bus changed after `since` (a
 * device enumerated or left; at once if it already did), or after `withinMs`:
 * a wait that wakes when the board does instead of a poll's interval later.
 * A bus that does not answer is left to the next look at it (undefined).
 */
export async function nextBusChange(socketPath: string, since: number | undefined, withinMs: number, signal?: AbortSignal): Promise<number | undefined> {
  signal?.throwIfAborted();
  // watchCall ends by itself within withinMs and its call's margin; the deadline only carries the signal.
  return withDeadline(watchCall(socketPath, withinMs, since ?? ANY_GENERATION), withinMs + 5000, `watching ${socketPath}`, signal);
}

async function watchCall(socketPath: string, withinMs: number, since: number): Promise<number | undefined> {
  const started = Date.now();
  try {
    const client = await busConnection(socketPath);
    const r = await client.call(Op.watch, encodeWatch(withinMs, since), withinMs + 1000);
    if (r.status >= 0 && r.payload.length >= 4) return r.payload.readUInt32LE(0);
  } catch {
    // answered below, as a bus without WATCH is
  }
  // No answer to wake on: the wait is a plain pause, never a spin.
  const left = withinMs - (Date.now() - started);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  return undefined;
}

/** The Particle device whose serial number is `deviceId`, in `mode`, once it is on the bus. */
export async function waitForUsbSocketDevice(socketPath: string, deviceId: string, o: WaitOptions): Promise<UsbSocketDevice> {
  const wanted = deviceId.toLowerCase();
  const deadline = Date.now() + o.timeoutMs;
  let generation = await busGeneration(socketPath);
  for (;;) {
    o.signal?.throwIfAborted();
    const devices = await listDevicesOn(await busConnection(socketPath), { vendorId: PARTICLE_VID });
    const hit = devices.find((d) => d.serialNumber.toLowerCase().includes(wanted) && d.devId !== o.notDevId && inMode(d, o.mode ?? 'any'));
    if (hit) return hit;
    if (Date.now() >= deadline) throw new TimeoutError(`USB device ${wanted} (${o.mode ?? 'any'} mode) on ${socketPath}`, o.timeoutMs);
    generation = await nextBusChange(socketPath, generation, Math.min(o.pollMs ?? 250, Math.max(1, deadline - Date.now())), o.signal);
  }
}
