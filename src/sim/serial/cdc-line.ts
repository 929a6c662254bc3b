// A board's serial port carried by the CDC-ACM function of its USB device
// (src/sim/usb/cdc-acm.ts), for a host that reaches the board as a USB
// device (USB/IP): board output waits here for the host's bulk IN
// transfers; bulk OUT data and SET_LINE_CODING come back as the line's
// events. Open while the board is on USB as a serial device; closing it
// drops what the host did not read, as a real board's USB buffer goes with
// its enumeration.
import { EventEmitter } from 'node:events';
import type { SerialLine, SerialLineEvents } from './line.js';

/** Board output kept for a host that is not reading (a USB CDC buffer's worth, generously); more is dropped. */
export const CDC_BUFFER_BYTES = 64 * 1024;

interface Reader {
  max: number;
  deliver(bytes: Buffer): void;
}

export class CdcLine extends EventEmitter<SerialLineEvents> implements SerialLine {
  #open = false;
  #queue: Buffer[] = [];
  #queued = 0;
  readonly #readers: Reader[] = [];

  constructor(readonly description: string) {
    super();
  }

  get isOpen(): boolean {
    return this.#open;
  }

  open(): Promise<void> {
    this.#open = true;
    return Promise.resolve();
  }

  close(): void {
    this.#open = false;
    this.#queue = [];
    this.#queued = 0;
    this.#readers.length = 0;
  }

  write(bytes: Buffer | string): number {
    if (!this.#open) return 0;
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    const taken = buf.subarray(0, Math.max(0, CDC_BUFFER_BYTES - this.#queued));
    if (taken.length > 0) {
      this.#queue.push(Buffer.from(taken));
      this.#queued += taken.length;
      this.#pump();
    }
    return taken.length;
  }

  // --- the device side (the CDC-ACM function)

  /** A bulk IN transfer of up to `max` bytes: delivered when there is output. Returns a cancel (unlink). */
  read(max: number, deliver: (bytes: Buffer) => void): () => void {
    const reader: Reader = { max, deliver };
    this.#readers.push(reader);
    this.#pump();
    return () => {
      const at = this.#readers.indexOf(reader);
      if (at >= 0) this.#readers.splice(at, 1);
    };
  }

  /** A bulk OUT transfer. */
  hostData(bytes: Buffer): void {
    if (this.#open && bytes.length > 0) this.emit('data', bytes);
  }

  /** SET_LINE_CODING. */
  lineCoding(baud: number): void {
    if (this.#open) this.emit('baud', baud);
  }

  #pump(): void {
    while (this.#readers.length > 0 && this.#queued > 0) {
      const reader = this.#readers.shift()!;
      const parts: Buffer[] = [];
      let room = reader.max;
      while (room > 0 && this.#queue.length > 0) {
        const head = this.#queue[0]!;
        const part = head.subarray(0, room);
        parts.push(part);
        room -= part.length;
        if (part.length === head.length) this.#queue.shift();
        else this.#queue[0] = head.subarray(part.length);
      }
      const chunk = Buffer.concat(parts);
      this.#queued -= chunk.length;
      reader.deliver(chunk);
    }
  }
}
