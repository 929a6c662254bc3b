// Sends one listening-mode key and waits for the board's answer in what it
// prints next. The answer is read as latin1 text: every byte stays one char.
import type { Duplex } from 'node:stream';
import { InfraError, TimeoutError } from '../../core/errors.js';
import { waitWithin } from '../../core/clock.js';

export interface ReplyOptions {
  /** Wall ms to wait for the reply. Default 20 s, as the old CLI waited for `s` and `i`. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_REPLY_TIMEOUT_MS = 20_000;

/** Parses the text received so far; undefined while the reply is incomplete. */
export type ReplyParser<T> = (text: string) => T | undefined;

export function ask<T>(port: Duplex, key: string, parse: ReplyParser<T>, what: string, o: ReplyOptions = {}): Promise<T> {
  const ms = o.timeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
  const onTimeout = (): never => {
    throw new TimeoutError(`${what} (reply to '${key}')`, ms);
  };
  return waitWithin<T>({ ms, signal: o.signal, onTimeout }, (resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      const value = parse(text);
      if (value !== undefined) resolve(value);
    };
    const onClose = (): void => reject(new InfraError(`the serial port closed while waiting for ${what}`, 'check that the board stays connected'));
    port.on('data', onData);
    port.on('close', onClose);
    port.write(key, 'latin1', (e) => {
      if (e) reject(new InfraError(`cannot write '${key}' to the serial port: ${e.message}`, 'check that the board stays connected', { cause: e }));
    });
    return () => {
      port.off('data', onData);
      port.off('close', onClose);
    };
  });
}

/** Sends a key that has no reply (`x`, `L`), once the port has taken it. */
export function press(port: Duplex, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    port.write(key, 'latin1', (e) => {
      if (e) reject(new InfraError(`cannot write '${key}' to the serial port: ${e.message}`, 'check that the board stays connected', { cause: e }));
      else resolve();
    });
  });
}

/** The first complete line (ending in LF) matching `pattern`, as its groups. */
export function completeLine(pattern: RegExp): ReplyParser<RegExpExecArray> {
  return (text) => {
    for (const line of text.split('\n').slice(0, -1)) {
      const m = pattern.exec(line.replace(/\r$/, ''));
      if (m) return m;
    }
    return undefined;
  };
}
