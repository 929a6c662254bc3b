// Reads what the board sends during a YMODEM session. The stream mixes
// protocol bytes (ACK, NAK, CA, 'C') with text lines (the prompt, the
// result); this keeps them apart so the sender can wait on either.
import type { Duplex } from 'node:stream';
import { ACK, CA, CRC_REQUEST, NAK } from '../../protocol/ymodem.js';

export const TIMEOUT = Symbol('timeout');

/** The link closed (unplugged, board reset) or errored while waiting. */
export class LinkClosed extends Error {}
/** The caller's signal fired while waiting. */
export class Aborted extends Error {}

const LF = 0x0a;
const CR = 0x0d;
const isPrintable = (b: number | undefined): boolean => b !== undefined && b >= 0x20 && b < 0x7f;

export class ReplyReader {
  /** Complete text lines, in order, without CR/LF. */
  readonly lines: string[] = [];
  #partial = '';
  #controls: number[] = [];
  #closed: Error | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(
    private readonly link: Duplex,
    private readonly signal?: AbortSignal,
  ) {
    link.on('data', this.#onData);
    link.on('close', this.#onClose);
    link.on('error', this.#onError);
    signal?.addEventListener('abort', this.#wake);
  }

  dispose(): void {
    this.link.off('data', this.#onData);
    this.link.off('close', this.#onClose);
    this.link.off('error', this.#onError);
    this.signal?.removeEventListener('abort', this.#wake);
  }

  /** Every line so far, plus an unfinished one: what the board said. */
  messages(): string[] {
    const partial = this.#partial.trim();
    return partial ? [...this.lines, partial] : [...this.lines];
  }

  takeControl(): number | undefined {
    return this.#controls.shift();
  }

  /** Forgets queued protocol bytes (stale 'C' requests before a new phase). */
  dropControls(): void {
    this.#controls = [];
  }

  /** Resolves with check()'s first defined value, or TIMEOUT after `ms`. */
  until<T>(check: () => T | undefined, ms: number): Promise<T | typeof TIMEOUT> {
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        const value = check();
        if (value !== undefined) return finish(() => resolve(value));
        if (this.signal?.aborted) return finish(() => reject(new Aborted('aborted', { cause: this.signal?.reason })));
        if (this.#closed) return finish(() => reject(new LinkClosed(this.#closed?.message, { cause: this.#closed })));
      };
      const finish = (end: () => void): void => {
        clearTimeout(timer);
        this.#waiters.delete(settle);
        end();
      };
      const timer = setTimeout(() => finish(() => resolve(TIMEOUT)), ms);
      this.#waiters.add(settle);
      settle();
    });
  }

  #wake = (): void => {
    for (const w of [...this.#waiters]) w();
  };

  #onData = (chunk: Buffer): void => {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b === ACK || b === NAK || b === CA) this.#controls.push(b);
      else if (b === CRC_REQUEST && this.#partial === '' && !(isPrintable(chunk[i + 1]) && chunk[i + 1] !== CRC_REQUEST)) {
        // A lone 'C' at the start of a line is the board asking for a packet;
        // a 'C' followed by text starts a line of text.
        this.#controls.push(b);
      } else if (b === LF) {
        const line = this.#partial.trim();
        if (line) this.lines.push(line);
        this.#partial = '';
      } else if (b !== CR) this.#partial += String.fromCharCode(b);
    }
    this.#wake();
  };

  #onClose = (): void => {
    this.#closed ??= new Error('the serial port closed');
    this.#wake();
  };

  #onError = (err: Error): void => {
    this.#closed ??= err;
    this.#wake();
  };
}
