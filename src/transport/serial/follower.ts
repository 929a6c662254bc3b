// Keeps a board's serial port open for as long as the rig runs: when the
// port vanishes (a reset, DFU mode, an unplug: `close` with disconnected),
// it asks the locator again and reopens with a small backoff, so it follows
// the board (found by device ID), not a path. While open it lends the port
// to sessions (SerialLine), one at a time; its own reader stays attached,
// so bytes that arrive during a session are still delivered.
// A port can also go without a `close`: a tty hung up while serialport's
// read is in flight reads end-of-file, which serialport retries for ever
// (bindings-cpp unixRead) and never reports, and a port can stay a moment
// after its board went (the simulated bench keeps it until its host has had
// time to read the board's last bytes). So while it holds a port, the
// follower also watches the path it opened: once the path names a new node
// (udev, or the simulated bench, made it for the board's next enumeration)
// or none, that port is not the board's any more: no session gets it, and
// once it has said nothing for a moment the follower closes it and follows
// the board. The moment of quiet lets a port that is going away deliver its
// last lines first; it counts only while this process was free to read them
// (a stalled event loop restarts it).
import type { SerialPort } from 'serialport';
import { lstatSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_SESSION_WAIT_MS, atBaud, portAbsent, type PortLocator, type SerialLine, type SerialSessionOptions } from './line.js';
import { InfraError } from '../../core/errors.js';
import { LOG_BAUD, closeSerialPort, openSerialPort } from './port.js';
import { waitWithin } from '../../core/clock.js';

export interface PortFollowerOptions {
  /** Board name, for messages. */
  board: string;
  locate: PortLocator;
  baudRate?: number;
  /** Every chunk, with Date.now() at its arrival. */
  onData(chunk: Buffer, at: number): void;
  /**
   * The port went away (disconnected = true) or was closed by the rig.
   * `goneAt` (Date.now() time): when the follower saw its path move on
   * (the board had gone by then), if it did before the port closed; else
   * the close itself.
   */
  onClose?(disconnected: boolean, goneAt: number): void;
  onOpen?(path: string): void;
  /**
   * Backoff between attempts to find and open the port (wall ms). Default
   * 10 -> 50: a boot the host has not reopened the port of goes unheard,
   * and at x20 50 ms is a second of the board's time (a look is a stat or a
   * directory read).
   */
  retry?: { minMs: number; maxMs: number };
}

/** How often untilHolding looks whether the port is held yet (wall ms). */
const HOLDING_POLL_MS = 5;

/** How often the path of a held port is looked at (wall ms): a stat, cheap. */
export const PATH_CHECK_MS = 20;
/**
 * How long a held port must be quiet, its path naming a new node or none,
 * before the follower leaves it (wall ms). Quiet is only what this process
 * has been handed: a read can wait in libuv's thread pool behind other
 * boards' work while the event loop runs on (20 ms lost a board's last
 * lines now and then with 32 boards). A real board's tty closes as it goes,
 * before its next port appears; a simulated port keeps the board's output
 * for a host that opens it within a second, so waiting here loses nothing
 * of the next boot.
 */
export const STALE_QUIET_MS = 100;
/**
 * A path check this much later than the one before (wall ms) was held up:
 * this process was too busy to read its ports, so a port's quiet until then
 * says nothing (a loaded bench computer holds the rig's event loop for
 * hundreds of ms at times).
 */
export const STALL_MS = 2 * PATH_CHECK_MS;

/**
 * The node a path names right now (the link itself, not its target), or
 * undefined when there is none. With its change time: a file system reuses
 * a freed inode number at once, so a link made again can have the old number.
 */
function nodeOf(path: string): string | undefined {
  try {
    const st = lstatSync(path, { bigint: true });
    return `${st.dev}:${st.ino}:${st.ctimeNs}`;
  } catch {
    return undefined;
  }
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
  /** The path the held port was opened through, and the node it named then. */
  #heldAt: { path: string; node: string | undefined } | undefined;

  constructor(o: PortFollowerOptions) {
    this.#o = o;
  }

  /** The open port, if the board has one now. */
  get port(): SerialPort | undefined {
    return this.#port;
  }

  /** Whether the held port is open and still the board's (its path names the node it was opened through). */
  get holdsCurrentPort(): boolean {
    return this.#port?.isOpen === true && this.#heldAt !== undefined && nodeOf(this.#heldAt.path) === this.#heldAt.node;
  }

  /**
   * Resolves once the follower holds the board's current port, at once when
   * the board has no port now (DFU mode, off, unplugged, between two boots),
   * once stopped, or after `withinMs` wall ms.
   */
  async untilHolding(o: { withinMs: number; signal?: AbortSignal }): Promise<void> {
    const deadline = Date.now() + o.withinMs;
    while (!this.holdsCurrentPort && !this.#stop.signal.aborted && !o.signal?.aborted && Date.now() < deadline) {
      if ((await this.#o.locate().catch(() => undefined)) === undefined) return;
      await sleep(HOLDING_POLL_MS);
    }
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
    const { minMs, maxMs } = this.#o.retry ?? { minMs: 10, maxMs: 50 };
    let backoff = minMs;
    const stopped = this.#stop.signal;
    while (!stopped.aborted) {
      const path = await this.#o.locate().catch(() => undefined);
      // Looked at before the open: a node replaced in between makes the watch close a good port once, never keep a dead one.
      const node = path === undefined ? undefined : nodeOf(path);
      const port = path === undefined || stopped.aborted ? undefined : await this.#open(path);
      if (port && path !== undefined) {
        backoff = minMs;
        await this.#hold(port, path, node);
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

  /** Reads the port until it closes, or until its path no longer names the node it was opened through. */
  #hold(port: SerialPort, path: string, node: string | undefined): Promise<void> {
    return new Promise((resolve) => {
      /** Since when the held port has said nothing that this process could have read (wall ms). */
      let quietSince = Date.now();
      let lastLookAt = quietSince;
      /** The first look that found the path naming another node or none (wall ms): the board had gone by then. */
      let movedOnAt: number | undefined;
      const onData = (chunk: Buffer): void => {
        quietSince = Date.now();
        this.#o.onData(chunk, quietSince);
      };
      port.on('data', onData);
      const watch = setInterval(() => {
        const at = Date.now();
        // A look that comes late means this process was busy: the port may hold
        // bytes it has not read yet, so its quiet counts from the end of the stall.
        if (at - lastLookAt > STALL_MS) quietSince = at;
        lastLookAt = at;
        // A new node, or none: the board this port belonged to has gone.
        const gone = nodeOf(path) !== node;
        if (gone) movedOnAt ??= at;
        if (gone && at - quietSince >= STALE_QUIET_MS) void closeSerialPort(port);
      }, PATH_CHECK_MS);
      port.once('close', (err: (Error & { disconnected?: boolean }) | null) => {
        clearInterval(watch);
        port.off('data', onData);
        this.#port = undefined;
        this.#heldAt = undefined;
        this.#o.onClose?.(Boolean(err?.disconnected), movedOnAt ?? Date.now());
        resolve();
      });
      this.#port = port;
      this.#heldAt = { path, node };
      this.#o.onOpen?.(path);
      for (const wake of [...this.#openWaiters]) wake();
      if (this.#stop.signal.aborted) void closeSerialPort(port);
    });
  }

  #whenOpen(o: SerialSessionOptions): Promise<SerialPort> {
    const ms = o.timeoutMs ?? DEFAULT_SESSION_WAIT_MS;
    const onTimeout = (): never => {
      throw portAbsent(this.#o.board, ms, this.#lastOpenError);
    };
    return waitWithin<SerialPort>({ ms, signal: o.signal, onTimeout }, (resolve, reject) => {
      const check = (): void => {
        if (this.#stop.signal.aborted) return reject(new InfraError(`${this.#o.board}: the serial port was released (the capture stopped)`));
        // A port whose path has moved on belongs to a board that has gone: wait for the next one.
        if (this.holdsCurrentPort) resolve(this.#port!);
      };
      this.#openWaiters.add(check);
      check();
      return () => this.#openWaiters.delete(check);
    });
  }
}
