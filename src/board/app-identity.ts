// Which modules a board has and which app it runs. USB module info first;
// the serial `s` command (in listening mode, entered and left for it) where
// USB does not say; the cloud's spark/device/app-hash where it is from the
// board's current boot. The hash is the one honest proof of an update.
import { InfraError } from '../core/errors.js';
import { readSystemInfo, type SystemInfo } from '../transport/serial.js';
import { isRefused, withUsbControl } from '../transport/usb.js';
import { enterMode } from './enter-mode.js';
import { requestMode } from './mode-request.js';
import type { BoardParts } from './parts.js';
import { readPresenceAndModules, waitForPresence } from './presence.js';
import { REENUMERATE_BOARD_MS } from './timing.js';
import type { BoardModule, BoardPresence, RunningApp } from '../core/board-contract.js';

const APP_HASH = 'spark/device/app-hash';
const SERIAL_REPLY_MS = 20_000;

export type AppSource = 'usb' | 'serial' | 'cloud';

function notOnUsb(p: BoardParts, what: string): InfraError {
  return new InfraError(`${p.name} is not on USB: cannot read ${what}`, 'is it plugged in and powered?');
}

/** USB module info; undefined when the board does not answer that request (old Device OS). */
async function usbModules(p: BoardParts, signal?: AbortSignal): Promise<BoardModule[] | undefined> {
  return withUsbControl(p.bus, p.id, { mode: 'serial', timeoutMs: 3000, signal }, (c) => c.modules(signal)).catch((err: unknown) => {
    if (isRefused(err)) return undefined;
    throw err;
  });
}

/** `s` in listening mode; a board in another mode is put there and brought back. */
async function serialInfo(p: BoardParts, now: BoardPresence, signal?: AbortSignal): Promise<SystemInfo> {
  if (now !== 'listening') await enterMode(p, 'listening', signal);
  try {
    return await p.log.use((port) => readSystemInfo(port, { timeoutMs: p.clock.wallMsWithRigWork(SERIAL_REPLY_MS, 2000), signal }), { signal });
  } finally {
    if (now !== 'listening' && !signal?.aborted) {
      // Leaving listening mode returns to the mode it was entered from (normal or safe).
      await requestMode(p, 'normal', 'listening', signal);
      await waitForPresence(p, now, { withinMs: p.clock.wallMsWithRigWork(REENUMERATE_BOARD_MS), signal });
    }
  }
}

export async function readModules(p: BoardParts, signal?: AbortSignal): Promise<BoardModule[]> {
  // Telling the mode may already have read this enumeration's modules.
  const { mode, modules } = await readPresenceAndModules(p, signal);
  if (mode === 'absent') throw notOnUsb(p, 'its modules');
  if (mode === 'dfu') throw new InfraError(`${p.name} is in DFU mode, where Device OS does not list its modules`, 'leave DFU mode first (a mode: normal step)');
  return modules ?? (await usbModules(p, signal)) ?? (await serialInfo(p, mode, signal)).modules;
}

const mainUserPart = (modules: readonly BoardModule[]): BoardModule | undefined =>
  modules.find((m) => m.func === 'user-part' && m.location === 'main');

/** The latest app hash the cloud reported, if it is from the board's current boot (or any boot, `stale`). */
function cloudHash(p: BoardParts, o: { stale: boolean }): string | undefined {
  const e = p.events?.log.latest(APP_HASH);
  if (!e || e.name !== APP_HASH) return undefined;
  const since = p.memory.enumeratedAt ?? p.memory.openedAt;
  return o.stale || e.at >= since ? e.data.trim().toLowerCase() : undefined;
}

/**
 * The app-hash the cloud hears from this boot, if it arrives within
 * `withinMs` (wall) of the boot. A boot that began before the rig opened the
 * board published it unheard, so there is nothing to wait for.
 */
async function awaitCloudHash(p: BoardParts, withinMs: number, signal?: AbortSignal): Promise<string | undefined> {
  const log = p.events?.log;
  const since = p.memory.enumeratedAt;
  if (!log || since === undefined || since <= p.memory.openedAt) return undefined;
  const left = withinMs - (Date.now() - since);
  if (left <= 0) return undefined;
  const e = await log.waitFor(APP_HASH, { fromSeq: log.events().length, withinMs: left, signal });
  return e && e.at >= since ? e.data.trim().toLowerCase() : undefined;
}

/**
 * The running app. `cloudWaitMs`: how long to wait for the cloud's app-hash
 * from this boot before asking over serial, whose listening mode takes the
 * board off the cloud (a board that just booted publishes it as it connects).
 */
export async function readRunningApp(p: BoardParts, signal?: AbortSignal, o: { cloudWaitMs?: number } = {}): Promise<RunningApp> {
  const { mode, modules } = await readPresenceAndModules(p, signal);
  if (mode === 'absent') {
    // Off USB (unplugged) is not off the air: the cloud may still know.
    const hash = cloudHash(p, { stale: true });
    if (hash) return { hash, source: 'cloud', mode };
    throw notOnUsb(p, 'its running app');
  }
  // Only normal mode runs the user part: DFU, safe and listening mode do not.
  if (mode !== 'normal') return { hash: undefined, source: 'usb', mode };
  const user = modules && mainUserPart(modules);
  if (modules && !user) return { hash: undefined, source: 'usb', mode };
  if (user?.hash) return { hash: user.hash, source: 'usb', mode };
  // Device OS before 5.6 does not put the hash in USB module info.
  const fresh = cloudHash(p, { stale: false });
  if (fresh) return { hash: fresh, source: 'cloud', mode };
  // Listening mode takes the board off the cloud: ask it once per boot, not at every look.
  const seen = p.memory.appSeen;
  if (seen && seen.enumeration === p.memory.enumeration) return { hash: seen.hash, source: 'serial', mode };
  const heard = await awaitCloudHash(p, o.cloudWaitMs ?? 0, signal);
  if (heard) return { hash: heard, source: 'cloud', mode };
  const info = await serialInfo(p, mode, signal);
  const hash = mainUserPart(info.modules)?.hash;
  // Back from listening mode the board was looked at again: the memory holds its enumeration.
  const enumeration = p.memory.enumeration;
  if (enumeration) p.memory.appSeen = { enumeration, hash };
  return { hash, source: 'serial', mode };
}
