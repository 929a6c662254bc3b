// After a DFU, serial or USB flash the board resets to apply the image:
// wait for the new enumeration, then for it to run (normal or safe mode).
// A board left in DFU mode found nothing valid to boot: the firmware's
// failure. A board that never comes back is the rig's.
import { InfraError, FlashRejectedError } from '../core/errors.js';
import type { BoardParts } from './parts.js';
import { lookAgain, readPresence, waitForListing } from './presence.js';
import { FLASH_RETURN_BOARD_MS } from './timing.js';
import { type BoardPresence, type FlashReport } from '../core/board-contract.js';

export async function waitForBoardBack(p: BoardParts, report: FlashReport, before: string | undefined, signal?: AbortSignal): Promise<FlashReport> {
  const within = p.clock.wallMsWithRigWork(FLASH_RETURN_BOARD_MS);
  const deadline = Date.now() + within;
  const reset = await waitForListing(p, (l) => l !== undefined && l.enumeration !== before, { withinMs: within, signal });
  let now: BoardPresence = 'absent';
  if (reset) {
    const nextLook = lookAgain(p);
    for (;;) {
      now = await readPresence(p, signal).catch((err: unknown) => {
        if (signal?.aborted) throw err;
        return 'absent' as const;
      });
      if (now === 'normal' || now === 'safe' || Date.now() >= deadline) break;
      await nextLook(signal);
    }
  }
  if (now === 'normal' || now === 'safe') return { ...report, messages: [...report.messages, `board back in ${now} mode`] };
  if (now === 'dfu') {
    throw new FlashRejectedError(`${p.name} stayed in DFU mode after the ${report.method} flash: the bootloader found no valid firmware to run`, report.method, [...report.messages, 'board stayed in DFU mode']);
  }
  const seen = reset ? `is ${now === 'absent' ? 'not on USB' : `in ${now} mode`}` : 'did not reset';
  throw new InfraError(`${p.name} ${seen} ${within} ms after the ${report.method} flash`, 'check the board and its USB cable');
}
