// Resets and power. Soft: the RESET control request. Pin: the forced reset
// (bRequest 0x50), or the bench's reset line when USB control cannot be
// had. Power: a uhubctl port when the bench names one, else the bench
// control service, else the bench cannot (UnsupportedError).
import { InfraError, UnsupportedError } from '../core/errors.js';
import { benchControl, requireBenchControl } from '../transport/bench-control.js';
import { switchPower } from '../transport/power.js';
import { withUsbControl } from '../transport/usb.js';
import type { BoardParts } from './parts.js';
import { listingOf, waitForListing } from './presence.js';
import { REENUMERATE_BOARD_MS } from './timing.js';
import { type PowerAction, type ResetKind } from '../core/board-contract.js';

export async function powerBoard(p: BoardParts, action: PowerAction, signal?: AbortSignal): Promise<void> {
  if (p.bench.power?.uhubctl) {
    await switchPower(p.access, p.bench, action, { signal });
    return;
  }
  if (!p.access.control) {
    throw new UnsupportedError(`power ${action} of ${p.name}: the bench names no uhubctl port for it and has no bench control service`);
  }
  await benchControl(p.access.control.api).power(p.id, action, signal);
}

async function resetByUsb(p: BoardParts, kind: 'soft' | 'pin', signal?: AbortSignal): Promise<void> {
  try {
    await withUsbControl(p.bus, p.id, { timeoutMs: 3000, signal }, (c) => c.reset({ force: kind === 'pin', signal }));
  } catch (err) {
    // A pin reset is what a bench's reset line does: use it when USB control cannot be had.
    if (kind !== 'pin' || signal?.aborted || !(err instanceof InfraError) || !p.access.control) throw err;
    await requireBenchControl(p.access.control, `reset of ${p.name}`).fault(p.id, { kind: 'reset' }, signal);
  }
}

export async function resetBoard(p: BoardParts, kind: ResetKind, signal?: AbortSignal): Promise<void> {
  const before = (await listingOf(p, signal))?.enumeration;
  if (kind === 'power') {
    await powerBoard(p, 'cycle', signal);
  } else {
    if (before === undefined) throw new InfraError(`${p.name} is not on USB: cannot send it a ${kind} reset`, 'is it plugged in and powered?');
    await resetByUsb(p, kind, signal);
  }
  // The reset is seen as a new enumeration (the old one may be gone faster than one look at the bus).
  const within = p.clock.wallMsWithRigWork(REENUMERATE_BOARD_MS);
  const back = await waitForListing(p, (l) => l !== undefined && l.enumeration !== before, { withinMs: within, signal });
  if (!back) throw new InfraError(`${p.name} was not back on USB ${within} ms after a ${kind} reset`, 'check the board and its USB cable');
}
