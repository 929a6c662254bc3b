// One allocated PTY pair in use as a port: our own slave fd that keeps the
// line alive, the reader of the master in packet mode, and the baud watch.
// A SimPty makes a new line each time its port appears.
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { BaudWatch, type BaudWatchTiming } from './baud-watch.js';
import { readLineSpeed } from './line-coding.js';
import { decodePacket } from './packet.js';
import { IDLE_BAUD, type PtyPair } from './pty-alloc.js';

/** Quiet time between the board going away and the host's port hanging up (wall ms). */
export const HANGUP_DELAY_MS = 20;

/**
 * A host that opens a port within this long of its appearing gets what the
 * board printed since (wall ms). A host reconnects after a reset in about
 * this time whatever the board's clock; a board running many times faster
 * than real time would otherwise print its whole boot into the gap. Past it,
 * a port no host has opened takes nothing: a board's USB serial drops output
 * no host asked for.
 */
export const FRESH_PORT_MS = 1000;

export interface LineHandlers {
  data(bytes: Buffer): void;
  baud(baud: number): void;
}

export class PtyLine {
  readonly slavePath: string;
  readonly watch: BaudWatch;
  readonly #masterFd: number;
  /** Without a slave fd of our own the master reads EIO whenever no host has the port open. */
  readonly #keepAliveFd: number;
  readonly #reader: ReadStream;
  readonly #createdAt = Date.now();
  /** A host has opened the port (any termios change or byte from it). */
  #hostSeen = false;

  constructor(pair: PtyPair, timing: BaudWatchTiming, on: LineHandlers) {
    const { O_RDWR, O_NOCTTY, O_NONBLOCK } = constants;
    this.slavePath = pair.slavePath;
    this.#masterFd = pair.masterFd;
    try {
      this.#keepAliveFd = openSync(pair.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK);
    } catch (e) {
      closeSync(pair.masterFd);
      throw e;
    }
    const reader = new ReadStream(pair.masterFd);
    this.#reader = reader;
    // The first raw-mode switch snapshots the termios the allocator set
    // (raw, EXTPROC, IDLE_BAUD); toggling back restores it: that is the re-arm.
    reader.setRawMode(true);
    this.watch = new BaudWatch(
      { readSpeed: () => readLineSpeed(pair.masterFd), rearm: () => reader.setRawMode(false).setRawMode(true), initialBaud: IDLE_BAUD },
      on.baud,
      timing,
    );
    reader.on('data', (chunk: Buffer) => {
      const packet = decodePacket(chunk);
      if (packet.kind === 'data') {
        this.#hostSeen = true;
        this.watch.hostActivity('data');
        on.data(packet.bytes);
      } else if (this.watch.hostActivity(packet.kind)) {
        this.#hostSeen = true;
        if (!this.#fresh()) this.#drainStale();
      }
    });
    // With our own slave fd open the master never reads EIO; anything else is
    // the fd going away under us, which hangUp() already handles.
    reader.on('error', () => undefined);
  }

  #fresh(): boolean {
    return Date.now() - this.#createdAt < FRESH_PORT_MS;
  }

  /** Writes to the host; returns how many bytes the PTY took. */
  write(buf: Buffer): number {
    if (!this.#hostSeen && !this.#fresh()) return 0;
    let done = 0;
    while (done < buf.length) {
      try {
        done += writeSync(this.#masterFd, buf, done, buf.length - done);
      } catch (e) {
        // EAGAIN: the host is not reading and the PTY buffer is full; a
        // board's USB serial drops output nobody reads, and so do we.
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN' && code !== 'EIO') throw e;
        break;
      }
    }
    return done;
  }

  /** Stops at once; the host's port hangs up a moment later. */
  hangUp(): void {
    this.watch.stop();
    this.#reader.removeAllListeners('data');
    this.#reader.on('data', () => undefined); // host bytes from now on go nowhere
    // Hang up once the host's read has parked in poll(): serialport reports
    // a hung-up PTY as a disconnect there, but a read() already in flight
    // gets EOF and serialport retries it forever at full CPU.
    setTimeout(() => {
      this.#reader.destroy(); // closes the master fd: the host's port hangs up
      closeSync(this.#keepAliveFd);
    }, HANGUP_DELAY_MS);
  }

  /**
   * A host just opened the port (or changed its settings): board output
   * queued while nobody was reading is dropped, as a board's USB serial drops
   * output no host asked for, so the host does not get old lines as new ones.
   * Reading our own slave fd takes them off the queue.
   */
  #drainStale(): void {
    const sink = Buffer.alloc(4096);
    try {
      while (readSync(this.#keepAliveFd, sink, 0, sink.length, null) > 0);
    } catch {
      // EAGAIN: nothing (more) queued. Best effort: a failed drain only means stale output.
    }
  }
}
