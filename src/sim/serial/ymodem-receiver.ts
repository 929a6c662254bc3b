// The board's side of a serial flash (particle-facts §4, as Device OS's
// system_ymodem does it): header packet `"binary\0<length> "` answered ACK
// then 'C', data packets ACKed one by one, seq and its complement checked
// (the CRC is not), NAK for a bad packet, 5 s of board time per packet,
// give up after more than 5 errors in a row, CA CA from the host cancels,
// `a` aborts, EOT is ACKed and an empty header ends the session.
// The packet wait is the one the host must keep up with: it never runs
// shorter than a real board's 5 s of wall time, whatever the board's clock
// (at x20 its 5 s of board time would be 250 ms, less than a loaded host
// can promise between two packets).
// Push-driven: the endpoint feeds host bytes as they arrive.
import { ACK, CA, CRC_REQUEST, EOT, LARGE_BLOCK, NAK, PACKET_HEAD, PACKET_TAIL, SMALL_BLOCK, SOH, STX } from '../../protocol/ymodem.js';
import type { SimClock } from '../board/contract.js';

export type ReceiveOutcome =
  | { kind: 'received'; name: string; image: Buffer }
  | { kind: 'too-big'; length: number }
  | { kind: 'aborted' }
  | { kind: 'failed' };

export interface YmodemReceiverOptions {
  clock: SimClock;
  /** Bytes to the host. */
  send(bytes: Buffer): void;
  /** Largest file the board takes; a bigger header is refused at once. */
  maxLength: number;
  progress?(received: number, total: number): void;
  done(outcome: ReceiveOutcome): void;
  /** The least wall time a packet wait lasts (wall ms). Default PACKET_WAIT_WALL_MS. */
  packetWaitWallMs?: number;
}

/** How long the board waits for each packet (board ms). */
export const PACKET_WAIT_MS = 5000;
/** ...and never less than a real board does in wall time (wall ms). */
export const PACKET_WAIT_WALL_MS = 5000;
export const MAX_ERRORS = 5;
const ABORT_KEYS = new Set([0x41, 0x61]); // 'A', 'a'

export class YmodemReceiver {
  #buf: Buffer = Buffer.alloc(0);
  #expected = 0;
  #began = false;
  #errors = 0;
  #name = '';
  #length = 0;
  #chunks: Buffer[] = [];
  #received = 0;
  #finished = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: YmodemReceiverOptions) {}

  start(): void {
    this.#send(CRC_REQUEST);
    this.#arm();
  }

  /** The board stops listening (reset, unplug): no more timers, no outcome. */
  dispose(): void {
    this.#finished = true;
    clearTimeout(this.#timer);
  }

  feed(bytes: Buffer): void {
    if (this.#finished) return;
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, bytes]) : bytes;
    this.#arm();
    while (!this.#finished && this.#buf.length > 0 && this.#step());
  }

  /** Handles what starts the buffer; false when it needs more bytes. */
  #step(): boolean {
    const head = this.#buf[0] as number;
    if (head === SOH || head === STX) return this.#packet(head === STX ? LARGE_BLOCK : SMALL_BLOCK);
    if (head === CA) {
      if (this.#buf.length < 2) return false;
      if (this.#buf[1] !== CA) return this.#consume(1, true);
      this.#send(ACK); // the host cancelled
      return this.#finish({ kind: 'failed' });
    }
    if (ABORT_KEYS.has(head)) {
      this.#send(CA, CA);
      return this.#finish({ kind: 'aborted' });
    }
    if (head === EOT) {
      this.#consume(1, false);
      this.#expected = 0;
      this.#send(ACK, CRC_REQUEST);
      return true;
    }
    return this.#consume(1, true); // noise between packets
  }

  #packet(block: number): boolean {
    const size = PACKET_HEAD + block + PACKET_TAIL;
    if (this.#buf.length < size) return false;
    const seq = this.#buf[1] as number;
    const data = this.#buf.subarray(PACKET_HEAD, PACKET_HEAD + block);
    const intact = seq === (~(this.#buf[2] as number) & 0xff);
    this.#consume(size, !intact);
    if (!intact || seq !== (this.#expected & 0xff)) {
      this.#send(NAK);
      return true;
    }
    this.#errors = 0;
    return this.#expected === 0 ? this.#header(data) : this.#data(data);
  }

  #header(data: Buffer): boolean {
    if (data[0] === 0) {
      // Empty header: the session is over.
      this.#send(ACK);
      const image = Buffer.concat(this.#chunks);
      return this.#finish(this.#began ? { kind: 'received', name: this.#name, image } : { kind: 'failed' });
    }
    const nul = data.indexOf(0);
    this.#name = data.subarray(0, nul).toString('latin1');
    // The length runs up to the space (or NUL) after the name.
    this.#length = Number(/^\d+/.exec(data.subarray(nul + 1).toString('latin1'))?.[0] ?? 0);
    if (this.#length > this.o.maxLength) {
      this.#send(CA, CA);
      return this.#finish({ kind: 'too-big', length: this.#length });
    }
    this.#began = true;
    this.#expected = 1;
    this.#send(ACK, CRC_REQUEST);
    return true;
  }

  #data(data: Buffer): boolean {
    const take = Math.max(0, Math.min(data.length, this.#length - this.#received));
    this.#chunks.push(Buffer.from(data.subarray(0, take)));
    this.#received += take;
    this.#expected++;
    this.#send(ACK);
    this.o.progress?.(this.#received, this.#length);
    return true;
  }

  /** Drops `n` bytes; `error` counts a bad packet or noise once the session has begun. */
  #consume(n: number, error: boolean): boolean {
    this.#buf = this.#buf.subarray(n);
    if (error && this.#began) return this.#error();
    return true;
  }

  #error(): boolean {
    this.#errors++;
    if (this.#errors <= MAX_ERRORS) return true;
    this.#send(CA, CA);
    return this.#finish({ kind: 'failed' });
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const floor = (this.o.packetWaitWallMs ?? PACKET_WAIT_WALL_MS) * this.o.clock.scale; // as board ms
    this.#timer = this.o.clock.setTimeout(() => this.#timeout(), Math.max(PACKET_WAIT_MS, floor));
  }

  #timeout(): void {
    if (this.#finished) return;
    this.#buf = Buffer.alloc(0);
    // Ask again with 'C' (Device OS does so only once the session has begun,
    // standard receivers always; senders ignore a 'C' before the header).
    // Errors count only once the session has begun, as in Device OS.
    this.#send(CRC_REQUEST);
    if (this.#began) this.#error();
    if (!this.#finished) this.#arm();
  }

  #finish(outcome: ReceiveOutcome): false {
    this.dispose();
    this.o.done(outcome);
    return false;
  }

  #send(...bytes: number[]): void {
    this.o.send(Buffer.from(bytes));
  }
}
