// One allocated PTY pair in use as a port: our own slave fd that keeps the
// line alive, the reader of the master in packet mode, and the baud watch.
// A SimPty makes a new line each time its port appears.
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { BaudWatch, type BaudWatchTiming } from './baud-watch.js';
import { readLineSpeed } from './line-coding.js';
import { decodePacket, type PtyPacket } from './packet.js';
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

/** For reads of the master out of the reader's turn: big enough for any one packet-mode read. */
const scratch = Buffer.allocUnsafe(64 * 1024);

export class PtyLine {
  readonly slavePath: string;
  readonly watch: BaudWatch;
  readonly #masterFd: number;
  /** Without a slave fd of our own the master reads EIO whenever no host has the port open. */
  readonly #keepAliveFd: number;
  readonly #reader: ReadStream;
  readonly #on: LineHandlers;
  readonly #createdAt = Date.now();
  /** A host has opened the port: a status report (termios change, flush) or bytes from it. */
  #hostSeen = false;
  #hungUp = false;

  constructor(pair: PtyPair, timing: BaudWatchTiming, on: LineHandlers) {
    const { O_RDWR, O_NOCTTY, O_NONBLOCK } = constants;
    this.slavePath = pair.slavePath;
    this.#masterFd = pair.masterFd;
    this.#on = on;
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
    // The allocator's settings and the raw-mode switch left a status report
    // on the master. Take it now: the port's link is published only after
    // this constructor, so no host can have touched the line yet, and from
    // here on every report is the host's, however late the reader gets to it.
    this.#readPending(() => undefined);
    this.watch = new BaudWatch(
      { readSpeed: () => readLineSpeed(pair.masterFd), rearm: () => this.#rearm(), initialBaud: IDLE_BAUD },
      (baud) => {
        // Only a host changes the speed.
        this.#sawHost();
        on.baud(baud);
      },
      timing,
    );
    reader.on('data', (chunk: Buffer) => this.#packet(decodePacket(chunk)));
    // With our own slave fd open the master never reads EIO; anything else is
    // the fd going away under us, which hangUp() already handles.
    reader.on('error', () => undefined);
  }

  #fresh(): boolean {
    return Date.now() - this.#createdAt < FRESH_PORT_MS;
  }

  /** Writes to the host; returns how many bytes the PTY took. */
  write(buf: Buffer): number {
    if (this.#hungUp) return 0;
    if (!this.#hostSeen && !this.#fresh()) {
      // A host may have opened the port since the reader last looked (a busy simulator reads late): look now.
      this.#readPending((p) => this.#packet(p));
      if (!this.#hostSeen) return 0;
    }
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
    this.#hungUp = true;
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

  /** One packet from the host: bytes for the board, or a status report (its termios change or flush). */
  #packet(p: PtyPacket): void {
    this.#sawHost();
    this.watch.hostActivity(p.kind);
    if (p.kind === 'data') this.#on.data(p.bytes);
  }

  #sawHost(): void {
    if (this.#hostSeen) return;
    this.#hostSeen = true;
    if (!this.#fresh()) this.#drainStale();
  }

  /** The watch's re-arm: the initial termios again, its status report taken here (see the constructor). */
  #rearm(): boolean {
    // A report already waiting is the host's; it must not be taken for the echo of the re-arm.
    if (this.#readPending((p) => this.#packet(p)) > 0) return false;
    this.#reader.setRawMode(false).setRawMode(true);
    // The host may have written meanwhile: its bytes still go to the board.
    this.#readPending((p) => {
      if (p.kind === 'data') this.#packet(p);
    });
    return true;
  }

  /**
   * Reads what the master holds right now, without waiting, and hands each
   * packet to `take`; returns how many status reports there were. The
   * reader's own reads see nothing of these: a read takes a packet off the
   * master whoever makes it.
   */
  #readPending(take: (p: PtyPacket) => void): number {
    let reports = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(this.#masterFd, scratch, 0, scratch.length, null);
      } catch {
        return reports; // EAGAIN: nothing (more) waiting
      }
      if (n <= 0) return reports;
      const p = decodePacket(Buffer.from(scratch.subarray(0, n)));
      if (p.kind !== 'data') reports++;
      take(p);
    }
  }

  /**
   * A host just opened a port no longer fresh: board output queued while
   * nobody was reading is dropped, as a board's USB serial drops output no
   * host asked for, so the host does not get old lines as new ones.
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
