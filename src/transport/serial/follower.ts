// Keeps a board's serial port open for as long as the rig runs: when the
// port vanishes (a reset, DFU mode, an unplug: `close` with disconnected),
// it asks the locator again and reopens with a small backoff, so it follows
// the board (found by device ID), not a path. While open it lends the port
// to sessions (SerialLine), one at a time; its own reader stays attached,
// so bytes that arrive during a session are still delivered.
import type { SerialPort } from 'serialport';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_SESSION_WAIT_MS, atBaud, portAbsent, type PortLocator, type SerialLine, type SerialSessionOptions } from './line.js';
import { InfraError } from '../../errors.js';
import { LOG_BAUD, closeSerialPort, openSerialPort } from './port.js';

export interface PortFollowerOptions {
  /** Board name, for messages. */
  board: string;
  locate: PortLocator;
  baudRate?: number;
  /** Every chunk, with Date.now() at its arrival. */
  onData(chunk: Buffer, at: number): void;
  /** The port went away (disconnected = true) or was closed by the rig. */
  onClose?(disconnected: boolean): void;
  onOpen?(path: string): void;
  /** Backoff between attempts to find and open the port (wall ms). Default 10 -> 200. */
  retry?: { minMs: number; maxMs: number };
}

export class PortFollower implements SerialLine {
  readonly #o: PortFollowerOptions;
  #port: SerialPort | undefined;
  readonly #stop = new AbortController();
  readonly #openWaiters = new Set<() => void>();
  #sessions: Promise<unknown> = Promise.resolve();
  #loop: Promise<void> | undefined;
  /** Why the last attempt to open the port failed: said when a session cannot get it. */
  #lastOpenError: Error | undefined;

  constructor(o: PortFollowerOptions) {
    this.#o = o;
  }

  /** The open port, if the board has one now. */
  get port(): SerialPort | undefined {
    return this.#port;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    if (this.#port) await closeSerialPort(this.#port);
    await this.#loop;
  }

  use<T>(session: (port: SerialPort) => Promise<T>, o: SerialSessionOptions = {}): Promise<T> {
    const run = async (): Promise<T> => atBaud(await this.#whenOpen(o), o.baudRate, session);
    const result = this.#sessions.then(run, run);
    this.#sessions = result.catch(() => undefined);
    return result;
  }

  async #run(): Promise<void> {
    const { minMs, maxMs } = this.#o.retry ?? { minMs: 10, maxMs: 200 };
    let backoff = minMs;
    const stopped = this.#stop.signal;
    while (!stopped.aborted) {
      const path = await this.#o.locate().catch(() => undefined);
      const port = path === undefined || stopped.aborted ? undefined : await this.#open(path);
      if (port && path !== undefined) {
        backoff = minMs;
        await this.#hold(port, path);
      }
      await sleep(backoff, undefined, { signal: stopped }).catch(() => undefined);
      backoff = Math.min(backoff * 2, maxMs);
    }
  }

  async #open(path: string): Promise<SerialPort | undefined> {
    try {
      const port = await openSerialPort(path, { baudRate: this.#o.baudRate ?? LOG_BAUD });
      this.#lastOpenError = undefined;
      return port;
    } catch (e) {
      this.#lastOpenError = e as Error;
      return undefined;
    }
  }

  /** Reads the port until it closes. */
  #hold(port: SerialPort, path: string): Promise<void> {
    return new Promise((resolve) => {
      const onData = (chunk: Buffer): void => this.#o.onData(chunk, Date.now());
      port.on('data', onData);
      port.once('close', (err: (Error & { disconnected?: boolean }) | null) => {
        port.off('data', onData);
        this.#port = undefined;
        this.#o.onClose?.(Boolean(err?.disconnected));
        resolve();
      });
      this.#port = port;
      this.#o.onOpen?.(path);
      for (const wake of [...this.#openWaiters]) wake();
      if (this.#stop.signal.aborted) void closeSerialPort(port);
    });
  }

  #whenOpen(o: SerialSessionOptions): Promise<SerialPort> {
    const ms = o.timeoutMs ?? DEFAULT_SESSION_WAIT_MS;
    return new Promise((resolve, reject) => {
      const finish = (end: () => void): void => {
        clearTimeout(timer);
        this.#openWaiters.delete(check);
        o.signal?.removeEventListener('abort', check);
        end();
      };
      const check = (): void => {
        if (o.signal?.aborted) return finish(() => reject(o.signal?.reason));
        if (this.#stop.signal.aborted) return finish(() => reject(new InfraError(`${this.#o.board}: the serial port was released (the capture stopped)`)));
        const port = this.#port;
        if (port?.isOpen) finish(() => resolve(port));
      };
      const timer = setTimeout(() => finish(() => reject(portAbsent(this.#o.board, ms, this.#lastOpenError))), ms);
      this.#openWaiters.add(check);
      o.signal?.addEventListener('abort', check);
      check();
    });
  }
}
