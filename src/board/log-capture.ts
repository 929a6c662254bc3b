// Every byte a board prints on its serial port, for the whole run: lines
// timestamped on the arrival of their first byte, kept in memory for
// expectations, and appended to trace.log as they arrive (a synchronous
// write per chunk, so a crash of the rig loses nothing already received).
// The capture owns the port and follows the board across resets
// (PortFollower); listening-mode commands and YMODEM borrow the port through
// use(), while the capture keeps recording what the board sends. A line that
// arrives right after a reopen may have been printed while the host was
// reconnecting: it is marked with when the port went away (printedFrom).
import { closeSync, mkdirSync, openSync, writevSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SerialPort } from 'serialport';
import { PortFollower } from '../transport/serial/follower.js';
import { LineAssembler, type Assembled } from '../transport/serial/line-assembler.js';
import type { PortLocator, SerialLine, SerialSessionOptions } from '../transport/serial/line.js';
import type { BlindSpan, LogCapture, LogLine } from '../core/board-contract.js';
import { waitWithin } from '../core/clock.js';

export interface LogCaptureOptions {
  /** Board name, for messages. */
  board: string;
  /** Where the board's port is now (src/board/serial-port-finder.ts). */
  locate: PortLocator;
  /** trace.log path; its folder is created. */
  file: string;
  baudRate?: number;
  retry?: { minMs: number; maxMs: number };
}

/** Lines arriving this soon after a reopen (wall ms) may be output the board printed before it. */
export const REOPEN_BURST_MS = 50;

export class SerialLogCapture implements LogCapture, SerialLine {
  readonly file: string;
  readonly #lines: LogLine[] = [];
  readonly #assembler = new LineAssembler();
  readonly #follower: PortFollower;
  readonly #waiters = new Set<() => void>();
  #fd: number | undefined;
  #bytes = 0;
  #closed: Promise<void> | undefined;
  /** When the first chunk after the last reopen arrived: all it holds the port buffered while the host reconnected. */
  #firstChunkAt: number | undefined;
  /** When the port was not open: from the capture's start to its first open, and from each close to the reopen. */
  readonly #blind: BlindSpan[] = [{ from: Date.now() }];
  /** The first failure writing trace.log; capture in memory goes on. */
  traceError: Error | undefined;

  /** Opens (appends to) trace.log and starts following the board's port. */
  static start(o: LogCaptureOptions): SerialLogCapture {
    const capture = new SerialLogCapture(o);
    capture.#follower.start();
    return capture;
  }

  private constructor(o: LogCaptureOptions) {
    this.file = o.file;
    mkdirSync(dirname(o.file), { recursive: true });
    this.#fd = openSync(o.file, 'a');
    this.#follower = new PortFollower({
      board: o.board,
      locate: o.locate,
      baudRate: o.baudRate,
      retry: o.retry,
      onData: (chunk, at) => {
        this.#bytes += chunk.length;
        this.#firstChunkAt ??= at;
        this.#take(this.#assembler.feed(chunk, at));
      },
      // The board's next output after it comes back starts a new line.
      onClose: (_disconnected, goneAt) => {
        this.#blind.push({ from: goneAt });
        this.#take(this.#assembler.flush());
      },
      onOpen: () => {
        const closed = this.#blind.at(-1);
        if (closed && closed.to === undefined) closed.to = Date.now();
        this.#firstChunkAt = undefined;
      },
    });
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Whether the board's port is open right now. */
  get connected(): boolean {
    return this.#follower.port?.isOpen === true;
  }

  untilListening(o: { withinMs: number; signal?: AbortSignal }): Promise<void> {
    return this.#follower.untilHolding(o);
  }

  lines(): readonly LogLine[] {
    return this.#lines;
  }

  blindSpans(): readonly BlindSpan[] {
    return this.#blind;
  }

  tail(n: number, beforeSeq = this.#lines.length): LogLine[] {
    const end = Math.max(0, Math.min(beforeSeq, this.#lines.length));
    return this.#lines.slice(Math.max(0, end - n), end);
  }

  waitFor(pattern: RegExp, o: { fromSeq?: number; withinMs: number; signal?: AbortSignal }): Promise<LogLine | undefined> {
    let next = Math.max(0, o.fromSeq ?? 0);
    const find = (): LogLine | undefined => {
      for (; next < this.#lines.length; next++) {
        const line = this.#lines[next] as LogLine;
        pattern.lastIndex = 0; // a /g or /y pattern keeps state between tests
        if (pattern.test(line.text)) return line;
      }
      return undefined;
    };
    return waitWithin<LogLine | undefined>({ ms: o.withinMs, signal: o.signal, onTimeout: () => undefined }, (resolve) => {
      const check = (): void => {
        const hit = find();
        if (hit || this.#closed) resolve(hit);
      };
      this.#waiters.add(check);
      check();
      return () => this.#waiters.delete(check);
    });
  }

  use<T>(session: (port: SerialPort) => Promise<T>, o?: SerialSessionOptions): Promise<T> {
    return this.#follower.use(session, o);
  }

  /** Stops following the port, ends a partial last line, closes trace.log. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#follower.stop();
      this.#take(this.#assembler.flush());
      if (this.#fd !== undefined) closeSync(this.#fd);
      this.#fd = undefined;
      for (const w of [...this.#waiters]) w();
    })();
    return this.#closed;
  }

  /** For a line that arrived at `at`: when the port went away, if it arrived just after the reopen that followed. */
  #printedFrom(at: number): number | undefined {
    // The reopen after the last close (the capture's first open has no gap before it); none while closed.
    const last = this.#blind.length > 1 ? this.#blind.at(-1) : undefined;
    if (last?.to === undefined) return undefined;
    const [gone, opened] = [last.from, last.to];
    // The first chunk counts however late a busy rig read it; later ones only within the burst.
    return at - opened <= REOPEN_BURST_MS || at === this.#firstChunkAt ? gone : undefined;
  }

  #take(a: Assembled): void {
    if (this.#fd !== undefined && a.trace.length > 0 && !this.traceError) {
      try {
        writevSync(this.#fd, a.trace);
      } catch (e) {
        this.traceError = e as Error;
      }
    }
    if (a.lines.length === 0) return;
    for (const l of a.lines) {
      const line: LogLine = { at: l.at, text: l.text, seq: this.#lines.length };
      const from = this.#printedFrom(l.at);
      if (from !== undefined) line.printedFrom = from;
      this.#lines.push(line);
    }
    for (const w of [...this.#waiters]) w();
  }
}
