// Entering a mode and verifying it: ask (USB, else serial), wait for the
// board to re-enumerate, read its mode back. Safe mode cannot be read back
// over USB when the modules are fine (Device OS says normal), so the rig
// remembers the enumeration the board came back with after it asked.
import type { BoardMode } from '../core/domain.js';
import { InfraError } from '../core/errors.js';
import type { BoardParts } from './parts.js';
import { readPresence, waitForListing, waitForPresence } from './presence.js';
import { requestMode, type RequestedBy } from './mode-request.js';
import { REENUMERATE_BOARD_MS } from './timing.js';
import type { BoardPresence } from '../core/board-contract.js';

const shown = (p: BoardPresence): string => (p === 'absent' ? 'not on USB' : `in ${p} mode`);

export async function enterMode(p: BoardParts, want: BoardMode, signal?: AbortSignal): Promise<void> {
  let from = await readPresence(p, signal);
  if (from === want) return;
  if (from === 'absent') throw new InfraError(`${p.name} is not on USB: cannot enter ${want} mode`, 'is it plugged in and powered?');
  // Listening mode is asked of a running Device OS, not of the DFU bootloader.
  if (from === 'dfu' && want === 'listening') {
    await enterMode(p, 'normal', signal);
    from = 'normal';
  }
  const within = p.clock.wallMsWithRigWork(REENUMERATE_BOARD_MS);
  let by = await askAndWait(p, want, from, within, signal);
  // The line-coding trick is missed now and then (the old CLI asked again too).
  if (by.reached === false && by.how === 'serial') {
    from = await readPresence(p, signal);
    if (from === want) return;
    by = await askAndWait(p, want, from, within, signal);
  }
  if (by.reached) return;
  const now = await readPresence(p, signal).catch(() => 'absent' as const);
  const why = want === 'safe' ? ': it did not come back on USB as a serial device' : '';
  throw new InfraError(`${p.name} is ${shown(now)} ${within} ms after the ${want} mode request (${by.how})${why}`);
}

async function askAndWait(p: BoardParts, want: BoardMode, from: BoardPresence, within: number, signal?: AbortSignal): Promise<{ reached: boolean; how: RequestedBy }> {
  const before = p.memory.enumeration;
  const how = await requestMode(p, want, from, signal);
  if (want === 'safe') {
    const back = await waitForListing(p, (l) => l?.mode === 'serial' && l.enumeration !== before, { withinMs: within, signal });
    if (!back) return { reached: false, how };
    p.memory.safeEnumeration = back.enumeration;
  }
  return { reached: await waitForPresence(p, want, { withinMs: within, signal }), how };
}
