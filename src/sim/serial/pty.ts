// One simulated USB CDC serial port: a PTY whose slave the host opens through
// a stable symlink (the port path a bench file names). open() makes the port
// appear, close() makes it vanish the way an unplugged board's ttyACM does:
// the link goes and an open client gets `close` with disconnected = true.
import { EventEmitter } from 'node:events';
import { closeSync } from 'node:fs';
import { DEFAULT_BAUD_WATCH_TIMING, type BaudWatchTiming } from './baud-watch.js';
import { allocatePty, type PtyPair } from './pty-alloc.js';
import { PtyLine } from './pty-line.js';
import { publishLink, removeLink } from './symlink.js';
import type { SerialLine } from './line.js';

export { HANGUP_DELAY_MS } from './pty-line.js';

export interface SimPtyOptions {
  /** Stable path the host opens, e.g. <runDir>/<board>.tty. */
  linkPath: string;
  timing?: BaudWatchTiming;
}

export interface SimPtyEvents {
  /** Bytes the host wrote. */
  data: [bytes: Buffer];
  /** The host set a new line speed. */
  baud: [baud: number];
}

export class SimPty extends EventEmitter<SimPtyEvents> implements SerialLine {
  readonly linkPath: string;
  readonly #timing: BaudWatchTiming;
  #line: PtyLine | undefined;
  #pending: Promise<void> | undefined;
  /** Bumped by close(), so an open() still allocating knows it was cancelled. */
  #generation = 0;
  #dropped = 0;

  constructor(options: SimPtyOptions) {
    super();
    this.linkPath = options.linkPath;
    this.#timing = options.timing ?? DEFAULT_BAUD_WATCH_TIMING;
  }

  get isOpen(): boolean {
    return this.#line !== undefined;
  }

  get description(): string {
    return this.linkPath;
  }

  /** /dev/pts/N behind the link while open. */
  get devicePath(): string | undefined {
    return this.#line?.slavePath;
  }

  /** The line speed last seen, or undefined while the port is absent. */
  get baud(): number | undefined {
    return this.#line?.watch.baud;
  }

  /** Bytes the board wrote that no host was there to read (the PTY buffer was full). */
  get droppedBytes(): number {
    return this.#dropped;
  }

  open(): Promise<void> {
    if (this.#line) return Promise.resolve();
    if (this.#pending) return this.#pending;
    const generation = this.#generation;
    const pending: Promise<void> = allocatePty()
      .then((pair) => {
        if (generation !== this.#generation || this.#line) closeSync(pair.masterFd);
        else this.#line = this.#attach(pair);
      })
      .finally(() => {
        if (this.#pending === pending) this.#pending = undefined;
      });
    this.#pending = pending;
    return pending;
  }

  /** The port vanishes; `ending`: because the simulator ends (see PtyLine.hangUp). */
  close(o: { ending?: boolean } = {}): void {
    this.#generation++;
    this.#pending = undefined;
    const line = this.#line;
    if (!line) return;
    this.#line = undefined;
    removeLink(this.linkPath, line.slavePath);
    line.hangUp(o);
  }

  /** Writes board output; returns how many bytes the port took (none while absent). */
  write(bytes: Buffer | string): number {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    const done = this.#line?.write(buf) ?? 0;
    if (this.#line) this.#dropped += buf.length - done;
    return done;
  }

  #attach(pair: PtyPair): PtyLine {
    const line = new PtyLine(pair, this.#timing, {
      data: (bytes) => this.emit('data', bytes),
      baud: (baud) => this.emit('baud', baud),
    });
    try {
      publishLink(this.linkPath, pair.slavePath);
    } catch (e) {
      line.hangUp();
      throw e;
    }
    return line;
  }
}
