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
 * A port whose host has not had this long (wall ms) since the board's last
 * byte to it stays that much longer after its board went: a hang-up flushes
 * what the host has not read. A real board's last lines (a YMODEM verdict,
 * "no space left" before an update's restart) reach the host's kernel long
 * before the reset that follows them reaches the host, in real time; a
 * simulated board resets in board time (20 times faster on the default
 * bench), while its host, sharing the computer with the simulator, can be
 * hundreds of ms late to read (the rig's event loop with 32 boards: p99
 * 53-69 ms, max 330-400 ms). The port's path goes at once, so a host that
 * watches it (the rig's follower) leaves as soon as it has read the rest.
 */
export const LAST_OUTPUT_READ_MS = 1000;

/**
 * A host that opens a port within this long of its appearing gets what the
 * board printed since (wall ms). A host reconnects after a reset in about
 * this time whatever the board's clock; a board running many times faster
 * than real time would otherwise print its whole boot into the gap. Past it,
 * a port no host has opened takes nothing: a board's USB serial drops output
 * no host asked for.
 */
export const FRESH_PORT_MS = 1000;

/**
 * What a port keeps for a host that has not opened it yet goes out once the
 * host's open is done: serialport's open at a standard speed (the log
 * capture's 9600) ends by flushing the host's input, which would throw it
 * away. A host seen by a settings change alone gets this long (wall ms) for
 * that flush, which comes microseconds later in the same open; at a custom
 * speed serialport makes none.
 */
export const OPEN_FLUSH_WAIT_MS = 10;
/** At most this much output is kept for a host that has not opened the port yet (a USB CDC buffer's worth, generously). */
export const KEPT_FOR_HOST_BYTES = 64 * 1024;

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
  /**
   * none: no host has shown itself; opening: a host changed the line's
   * settings, and its open may flush its input next; open: output goes to
   * it. Until then output is kept here, not in the PTY.
   */
  #host: 'none' | 'opening' | 'open' = 'none';
  #kept: Buffer[] = [];
  #keptBytes = 0;
  #openTimer: NodeJS.Timeout | undefined;
  /** When the PTY last took board output (wall ms). */
  #lastOutputAt = 0;
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
        this.#hostOpening();
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

  /**
   * Writes to the host; returns how many bytes the port took: written to the
   * PTY, or kept for a host that has not finished opening the port yet.
   */
  write(buf: Buffer): number {
    if (this.#hungUp) return 0;
    // A host may have opened the port since the reader last looked (a busy simulator reads late): look now.
    if (this.#host !== 'open') this.#readPending((p) => this.#packet(p));
    if (this.#host === 'open') return this.#put(buf);
    if (this.#host === 'none' && !this.#fresh()) {
      this.#kept = []; // nobody came for it
      this.#keptBytes = 0;
      return 0;
    }
    const take = Math.min(buf.length, KEPT_FOR_HOST_BYTES - this.#keptBytes);
    if (take <= 0) return 0;
    this.#kept.push(Buffer.from(buf.subarray(0, take))); // a copy: the caller's buffer may be reused
    this.#keptBytes += take;
    return take;
  }

  /** Into the PTY, as much as it takes. */
  #put(buf: Buffer): number {
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
    if (done > 0) this.#lastOutputAt = Date.now();
    return done;
  }

  /**
   * The board is gone: the line takes nothing more, either way. The host's
   * port hangs up a moment later, and no sooner than LAST_OUTPUT_READ_MS
   * after the board's last byte to it; when the simulator itself ends
   * (`ending`), after the moment alone: no host reads a bench that is gone,
   * and the open line would keep the simulator's process alive until then.
   */
  hangUp(o: { ending?: boolean } = {}): void {
    this.#hungUp = true;
    clearTimeout(this.#openTimer);
    this.#kept = [];
    this.watch.stop();
    this.#reader.removeAllListeners('data');
    this.#reader.on('data', () => undefined); // host bytes from now on go nowhere
    // Hang up once the host's read has parked in poll(): serialport reports
    // a hung-up PTY as a disconnect there, but a read() already in flight
    // gets EOF and serialport retries it forever at full CPU.
    const ms = o.ending ? HANGUP_DELAY_MS : Math.max(HANGUP_DELAY_MS, this.#lastOutputAt + LAST_OUTPUT_READ_MS - Date.now());
    setTimeout(() => {
      this.#reader.destroy(); // closes the master fd: the host's port hangs up
      closeSync(this.#keepAliveFd);
    }, ms).unref(); // a simulator that ends takes its ports with it
  }

  /** One packet from the host: bytes for the board, or a status report (its termios change or flush). */
  #packet(p: PtyPacket): void {
    this.watch.hostActivity(p.kind);
    if (p.kind === 'data') {
      this.#hostOpen(); // a host that writes is past its open
      this.#on.data(p.bytes);
    } else if (p.inputFlushed) this.#hostOpen(); // it threw away what it had: what was kept for it comes now
    else this.#hostOpening();
  }

  /** A host changed the line's settings: its open may flush its input next; what was kept waits for that, a moment. */
  #hostOpening(): void {
    if (this.#host !== 'none') return;
    this.#firstSeen();
    this.#host = 'opening';
    this.#openTimer = setTimeout(() => this.#hostOpen(), OPEN_FLUSH_WAIT_MS);
  }

  /** The host is there: what was kept for it goes out first, in order. */
  #hostOpen(): void {
    if (this.#host === 'open') return;
    if (this.#host === 'none') this.#firstSeen();
    this.#host = 'open';
    clearTimeout(this.#openTimer);
    const kept = this.#kept;
    this.#kept = [];
    this.#keptBytes = 0;
    if (this.#hungUp) return;
    for (const chunk of kept) if (this.#put(chunk) < chunk.length) break; // the PTY is full: the rest is lost, as any output would be
  }

  /** A host that comes after the port's first second gets nothing older than its open: a board's USB serial drops output no host asked for. */
  #firstSeen(): void {
    if (this.#fresh()) return;
    this.#kept = [];
    this.#keptBytes = 0;
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
}
