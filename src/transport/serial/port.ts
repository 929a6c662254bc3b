// Opening, closing and re-timing one serial port with serialport, every step
// bounded by a timeout, failures as InfraError (the rig's reach failed).
import { SerialPort } from 'serialport';
import { InfraError } from '../../core/errors.js';
import { waitWithin } from '../../core/clock.js';
import { canKeepInput, keepInputBinding } from './keep-input.js';

/** The speed the rig listens at. Particle boards ignore it for data; 14400 and 28800 are mode requests. */
export const LOG_BAUD = 9600;

const OPEN_TIMEOUT_MS = 5000;
const CLOSE_TIMEOUT_MS = 2000;
const UPDATE_TIMEOUT_MS = 2000;

/** Rejects with `err` when `ms` pass before `work` settles. */
function bounded<T>(work: (done: (e: Error | null | undefined, v?: T) => void) => void, ms: number, err: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(err()), ms);
    work((e, v) => {
      clearTimeout(timer);
      if (e) reject(e);
      else resolve(v as T);
    });
  });
}

export async function openSerialPort(path: string, o: { baudRate?: number; timeoutMs?: number } = {}): Promise<SerialPort> {
  // Keeping input: what a board printed before the port was (re)opened is part of its log (keep-input.ts).
  const port = new SerialPort({ path, baudRate: o.baudRate ?? LOG_BAUD, autoOpen: false, ...(canKeepInput ? { binding: keepInputBinding } : {}) });
  // Errors after the open surface as 'close'; an unhandled 'error' would crash the rig.
  port.on('error', () => undefined);
  const ms = o.timeoutMs ?? OPEN_TIMEOUT_MS;
  try {
    await bounded<void>((done) => port.open((e) => done(e)), ms, () => new Error(`open did not finish within ${ms} ms`));
    return port;
  } catch (e) {
    if (port.isOpen) port.close(() => undefined);
    throw new InfraError(`cannot open serial port ${path}: ${(e as Error).message}`, 'check that the board is connected and that no other program holds its port', { cause: e });
  }
}

/** Closes the port; resolves at once when it is already closed. Never rejects: a vanished port is closed enough. */
export async function closeSerialPort(port: SerialPort): Promise<void> {
  if (!port.isOpen) return;
  await bounded<void>((done) => port.close((e) => done(e)), CLOSE_TIMEOUT_MS, () => new Error('close timed out')).catch(() => undefined);
}

/** Changes the line speed of an open port (a SET_LINE_CODING request to a board). */
export async function setBaud(port: SerialPort, baudRate: number): Promise<void> {
  if (port.baudRate === baudRate) return;
  try {
    await bounded<void>((done) => port.update({ baudRate }, (e) => done(e)), UPDATE_TIMEOUT_MS, () => new Error(`no answer within ${UPDATE_TIMEOUT_MS} ms`));
  } catch (e) {
    throw new InfraError(`cannot set serial port ${port.path} to ${baudRate} baud: ${(e as Error).message}`, 'check that the board is still connected', { cause: e });
  }
}

/**
 * Resolves true when the port closes within `ms`, false otherwise. Reads
 * while waiting: serialport notices a vanished port only on a read.
 */
export function portClosed(port: SerialPort, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (!port.isOpen) return Promise.resolve(true);
  const discard = (): void => undefined;
  const closed = waitWithin<boolean>({ ms, signal, onTimeout: () => false }, (resolve) => {
    const onClose = (): void => resolve(true);
    port.on('data', discard);
    port.on('close', onClose);
    return () => {
      port.off('data', discard);
      port.off('close', onClose);
    };
  });
  return closed.catch(() => false); // cancelled: not seen closing
}
