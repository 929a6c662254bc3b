// The line-coding mode requests (particle-facts §2): a host setting 14400
// baud makes a board reset into DFU mode; 28800 puts it in listening mode
// (Device OS before 6.0). Each opens (or borrows) the port at that speed,
// waits briefly for the board to react, and gives the port back.
import { answersListening } from './listening.js';
import type { SerialLine } from './line.js';
import { portClosed } from './port.js';

export const DFU_BAUD = 14400;
export const LISTENING_BAUD = 28800;

export interface BaudTrickOptions {
  /** Wall ms the board gets to react. Default 3 s. */
  reactMs?: number;
  /** Wall ms to wait for the port to be there. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_REACT_MS = 3000;
const PROBE_MS = 250;

/** 14400 baud. True once the serial port went away (the board resets into DFU); false if it stayed. */
export function dfuByBaud(line: SerialLine, o: BaudTrickOptions = {}): Promise<boolean> {
  const react = o.reactMs ?? DEFAULT_REACT_MS;
  return line.use((port) => portClosed(port, react, o.signal), { baudRate: DFU_BAUD, timeoutMs: o.timeoutMs, signal: o.signal });
}

/** 28800 baud. True once the board answers a listening-mode command; false if it never did. */
export function listeningByBaud(line: SerialLine, o: BaudTrickOptions = {}): Promise<boolean> {
  const react = o.reactMs ?? DEFAULT_REACT_MS;
  return line.use(
    async (port) => {
      const deadline = Date.now() + react;
      // The first probes may reach the app before the board switched: ask again until it answers.
      do {
        if (await answersListening(port, Math.min(PROBE_MS, Math.max(1, deadline - Date.now())), o.signal)) return true;
      } while (Date.now() < deadline && port.isOpen);
      return false;
    },
    { baudRate: LISTENING_BAUD, timeoutMs: o.timeoutMs, signal: o.signal },
  );
}
