// Asking a board for a mode: USB control requests first (what particle-cli
// does today), the serial line-coding trick and listening-mode keys when USB
// control is not available. Only asks: the caller waits for the board to
// re-enumerate and verifies.
import type { BoardMode } from '../core/domain.js';
import { InfraError } from '../core/errors.js';
import { dfuByBaud, enterSafeModeKey, leaveListening, listeningByBaud } from '../transport/serial.js';
import { withUsbControl, type UsbControl } from '../transport/usb.js';
import { sleep } from '../core/clock.js';
import type { BoardParts } from './parts.js';
import type { BoardPresence } from '../core/board-contract.js';

const RETRY_PAUSE_MS = 300;

/** How the request went out, for messages. */
export type RequestedBy = 'usb' | 'serial';

function usbRequest(p: BoardParts, want: BoardMode, from: BoardPresence, signal?: AbortSignal): Promise<void> {
  const ask = (c: UsbControl): Promise<void> => {
    switch (want) {
      case 'dfu': return c.enterDfuMode(signal);
      // From DFU mode particle-usb sends the DfuSe command 0xFA.
      case 'safe': return c.enterSafeMode(signal);
      case 'listening': return c.enterListeningMode(signal);
      // Out of listening mode by request; out of DFU (DfuSe leave) or safe mode by a reset.
      case 'normal': return from === 'listening' ? c.leaveListeningMode(signal) : c.reset({ signal });
    }
  };
  return withUsbControl(p.bus, p.id, { mode: from === 'dfu' ? 'dfu' : 'serial', timeoutMs: 3000, signal }, ask);
}

/** The serial way, where there is one; false when the board did not react or there is none. */
async function serialRequest(p: BoardParts, want: BoardMode, from: BoardPresence, signal?: AbortSignal): Promise<boolean> {
  if (from === 'dfu' || from === 'absent') return false; // no serial port in DFU mode
  switch (want) {
    case 'dfu':
      return dfuByBaud(p.log, { signal });
    case 'listening':
      return listeningByBaud(p.log, { signal });
    case 'safe':
      if (from !== 'listening' && !(await listeningByBaud(p.log, { signal }))) return false;
      await p.log.use((port) => enterSafeModeKey(port), { signal });
      return true;
    case 'normal':
      if (from !== 'listening') return false;
      await p.log.use((port) => leaveListening(port), { signal });
      return true;
  }
}

export async function requestMode(p: BoardParts, want: BoardMode, from: BoardPresence, signal?: AbortSignal): Promise<RequestedBy> {
  try {
    await usbRequest(p, want, from, signal);
    return 'usb';
  } catch (err) {
    if (signal?.aborted || !(err instanceof InfraError)) throw err;
    // Once more if the first try met a port that had just died under it (the board re-enumerating):
    // by then the log capture has the new one.
    const attempt = (): Promise<boolean> => serialRequest(p, want, from, signal);
    const again = async (e: unknown): Promise<boolean> => {
      if (!(e instanceof InfraError) || signal?.aborted) return false;
      await sleep(RETRY_PAUSE_MS, signal);
      return attempt();
    };
    const done = await attempt().catch(again).catch(() => false);
    if (done) return 'serial';
    throw err;
  }
}
