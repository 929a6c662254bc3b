// One simulated USB CDC serial port: a PTY whose slave the host opens through
// a stable symlink (the port path a bench file names). open() makes the port
// appear, close() makes it vanish the way an unplugged board's ttyACM does:
// the link goes and an open client gets `close` with disconnected = true.
import { EventEmitter } from 'node:events';
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { BaudWatch, DEFAULT_BAUD_WATCH_TIMING, type BaudWatchTiming } from './baud-watch.js';
import { readLineSpeed } from './line-coding.js';
import { decodePacket } from './packet.js';
import { IDLE_BAUD, allocatePty, type PtyPair } from './pty-alloc.js';
import { publishLink, removeLink } from './symlink.js';

/** Quiet time between the board going away and the host's port hanging up (wall ms). */
export const HANGUP_DELAY_MS = 20;

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

interface OpenLine extends PtyPair {
  /** Our own slave fd: without it the master reads EIO whenever no host has the port open. */
  keepAliveFd: number;
  reader: ReadStream;
  watch: BaudWatch;
}

/**
 * A host just opened the port (or changed its settings): board output queued
 * while nobody was reading is dropped, as a board's USB serial drops output
 * no host asked for, so the host does not get minutes-old lines as new ones.
 * Reading our own slave fd takes them off the queue.
 */
function drainStale(keepAliveFd: number): void {
  const sink = Buffer.alloc(4096);
  try {
    while (readSync(keepAliveFd, sink, 0, sink.length, null) > 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
  }
}

export class SimPty extends EventEmitter<SimPtyEvents> {
  readonly linkPath: string;
  readonly #timing: BaudWatchTiming;
  #line: OpenLine | undefined;
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

  close(): void {
    this.#generation++;
    this.#pending = undefined;
    const line = this.#line;
    if (!line) return;
    this.#line = undefined;
    line.watch.stop();
    removeLink(this.linkPath, line.slavePath);
    line.reader.removeAllListeners('data');
    line.reader.on('data', () => undefined); // host bytes from now on go nowhere
    // Hang up once the host's read has parked in poll(): serialport reports
    // a hung-up PTY as a disconnect there, but a read() already in flight
    // gets EOF and serialport retries it forever at full CPU.
    setTimeout(() => {
      line.reader.destroy(); // closes the master fd: the host's port hangs up
      closeSync(line.keepAliveFd);
    }, HANGUP_DELAY_MS);
  }

  /** Writes board output; returns how many bytes the port took (none while absent). */
  write(bytes: Buffer | string): number {
    const line = this.#line;
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    if (!line) return 0;
    let done = 0;
    while (done < buf.length) {
      try {
        done += writeSync(line.masterFd, buf, done, buf.length - done);
      } catch (e) {
        // EAGAIN: the host is not reading and the PTY buffer is full; a
        // board's USB serial drops output nobody reads, and so do we.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        break;
      }
    }
    this.#dropped += buf.length - done;
    return done;
  }

  #attach(pair: PtyPair): OpenLine {
    const { O_RDWR, O_NOCTTY, O_NONBLOCK } = constants;
    const keepAliveFd = openSync(pair.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK);
    const reader = new ReadStream(pair.masterFd);
    // The first raw-mode switch snapshots the termios the allocator set
    // (raw, EXTPROC, IDLE_BAUD); toggling back restores it: that is the re-arm.
    reader.setRawMode(true);
    const watch = new BaudWatch(
      {
        readSpeed: () => readLineSpeed(pair.masterFd),
        rearm: () => reader.setRawMode(false).setRawMode(true),
        initialBaud: IDLE_BAUD,
      },
      (baud) => this.emit('baud', baud),
      this.#timing,
    );
    reader.on('data', (chunk: Buffer) => {
      const packet = decodePacket(chunk);
      if (packet.kind === 'data') {
        watch.hostActivity('data');
        this.emit('data', packet.bytes);
      } else if (watch.hostActivity(packet.kind)) {
        drainStale(keepAliveFd);
      }
    });
    // With our own slave fd open the master never reads EIO; anything else is
    // the fd going away under us, which close() already handles.
    reader.on('error', () => undefined);
    publishLink(this.linkPath, pair.slavePath);
    return { ...pair, keepAliveFd, reader, watch };
  }
}
