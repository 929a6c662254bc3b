// A board's serial port as listening-mode commands and YMODEM borrow it.
// One owner holds a port at a time (serialport locks it), so whoever owns it
// lends it: the log capture lends its open port (src/board/log-capture.ts),
// and without a capture directSerialLine opens the port for one session.
import type { SerialPort } from 'serialport';
import { InfraError } from '../../core/errors.js';
import { LOG_BAUD, closeSerialPort, openSerialPort, setBaud } from './port.js';

/** Where the board's serial port is right now (a path), or undefined while it has none. */
export type PortLocator = () => Promise<string | undefined>;

export interface SerialSessionOptions {
  /** Line speed for the session; restored afterwards. Default: the port's. */
  baudRate?: number;
  /** Wall ms to wait for the port to be there. Default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface SerialLine {
  /** Runs `session` with the board's open port; the port is the session's until the promise settles. */
  use<T>(session: (port: SerialPort) => Promise<T>, o?: SerialSessionOptions): Promise<T>;
}

export const DEFAULT_SESSION_WAIT_MS = 10_000;
const LOCATE_POLL_MS = 50;

export function portAbsent(board: string, ms: number, lastError?: Error): InfraError {
  return new InfraError(
    `${board}: no serial port within ${ms} ms${lastError ? ` (last attempt: ${lastError.message})` : ''}`,
    'check that the board is powered, connected and in a serial mode (normal, listening or safe; not DFU)',
  );
}

/** Polls `locate` until it names a path; undefined after `ms`. */
export async function locateWithin(locate: PortLocator, ms: number, signal?: AbortSignal): Promise<string | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    signal?.throwIfAborted();
    const path = await locate().catch(() => undefined);
    if (path !== undefined || Date.now() >= deadline) return path;
    await new Promise((r) => setTimeout(r, LOCATE_POLL_MS));
  }
}

/** Opens the port for each session and closes it after: for a board no capture holds. */
export function directSerialLine(board: string, locate: PortLocator): SerialLine {
  return {
    async use(session, o = {}) {
      const ms = o.timeoutMs ?? DEFAULT_SESSION_WAIT_MS;
      const path = await locateWithin(locate, ms, o.signal);
      if (path === undefined) throw portAbsent(board, ms);
      const port = await openSerialPort(path, { baudRate: o.baudRate ?? LOG_BAUD });
      try {
        return await session(port);
      } finally {
        await closeSerialPort(port);
      }
    },
  };
}

/** Runs `session` at `baudRate` on a port someone else owns, then puts the speed back. */
export async function atBaud<T>(port: SerialPort, baudRate: number | undefined, session: (port: SerialPort) => Promise<T>): Promise<T> {
  const base = port.baudRate;
  if (baudRate !== undefined) await setBaud(port, baudRate);
  try {
    return await session(port);
  } finally {
    // A session may change the speed itself (the 28800 trick): the owner's speed comes back either way.
    if (port.isOpen && port.baudRate !== base) await setBaud(port, base).catch(() => undefined);
  }
}
