// Waits until a board shows on USB as it should (a board whose serial port
// is carried by USB/IP has no path to wait for). Bounded like waitForPath.
import { once } from 'node:events';
import type { SimBoard, UsbPresence } from '../board/contract.js';

export async function waitForUsb(board: SimBoard, presence: UsbPresence, withinMs: number, what: string): Promise<void> {
  const signal = AbortSignal.timeout(withinMs);
  try {
    while (board.usb !== presence) await once(board, 'usbChange', { signal });
  } catch (err) {
    if (signal.aborted) throw new Error(`${what}: not on USB as ${presence} within ${withinMs} ms`);
    throw err;
  }
}
