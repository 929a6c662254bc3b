// Binds one simulated board to its USB CDC serial port. The port exists
// while the board enumerates as a serial device and vanishes otherwise (DFU
// mode, resets, unplug, power off), as a real board's ttyACM does. The host's
// line speed is the old mode switch (particle-facts §2): 14400 baud -> DFU,
// 28800 -> listening (ignored from Device OS 6.0 on).
import { deviceOsHas } from '../../core/device-os.js';
import type { UsbPresence } from '../board/contract.js';
import type { BaudWatchTiming } from './baud-watch.js';
import { ListeningSession, type SerialBoard } from './listening.js';
import type { SerialLine } from './line.js';
import { SimPty } from './pty.js';

export const DFU_BAUD = 14400;
export const LISTENING_BAUD = 28800;
/** At most this much output is held for a port that is being created (a USB CDC buffer's worth, generously). */
export const HELD_LIMIT_BYTES = 64 * 1024;

export interface SerialEndpointOptions {
  board: SerialBoard;
  /** Stable port path, e.g. <runDir>/<board>.tty: the port is a PTY there. */
  linkPath?: string;
  /** Or the line that carries the port (the CDC-ACM function of the board's USB device). */
  line?: SerialLine;
  timing?: BaudWatchTiming;
  /** The least wall time the board's YMODEM receiver waits for a packet (wall ms). Default a real board's 5 s. */
  ymodemWaitWallMs?: number;
  /** Where a port that cannot be created is reported. Default: stderr. */
  onError?: (error: Error) => void;
}

/** What the board wrote to its port: counted board side, so a host can check it lost nothing. */
export interface SerialCounters {
  /** Bytes the board wrote while its port existed. */
  offered: number;
  /** Bytes the PTY took for the host. */
  sent: number;
  /** Bytes refused because the host was not reading (PTY buffer full): offered - sent. */
  dropped: number;
}

export class SerialEndpoint {
  readonly board: SerialBoard;
  readonly line: SerialLine;
  #session: ListeningSession | undefined;
  #stopped = false;
  /** Board output while its port is being created (a PTY takes a few wall ms; a fast board prints meanwhile). */
  #held: Buffer[] | undefined;
  #heldBytes = 0;
  #offered = 0;
  #sent = 0;
  readonly #onError: (error: Error) => void;
  readonly #ymodemWaitWallMs: number | undefined;

  constructor(options: SerialEndpointOptions) {
    this.board = options.board;
    this.#ymodemWaitWallMs = options.ymodemWaitWallMs;
    if (options.line) this.line = options.line;
    else if (options.linkPath !== undefined) this.line = new SimPty({ linkPath: options.linkPath, timing: options.timing });
    else throw new TypeError('Expected a serial endpoint to get `linkPath` or `line`, got neither');
    this.#onError = options.onError ?? ((e) => process.stderr.write(`${this.board.name}: serial port: ${e.message}\n`));
    this.board.on('usbChange', this.#onUsb);
    this.board.on('serialOutput', this.#onOutput);
    this.board.on('mode', this.#onMode);
    this.line.on('baud', this.#onBaud);
    this.line.on('data', this.#onHostData);
  }

  /** The PTY's stable path; undefined when the port is carried another way. */
  get path(): string | undefined {
    return this.line instanceof SimPty ? this.line.linkPath : undefined;
  }

  /** Totals since the bench started, over every port this board had. */
  get counters(): SerialCounters {
    return { offered: this.#offered, sent: this.#sent, dropped: this.#offered - this.#sent };
  }

  /** Follows the board's current USB presence; resolves once the port is there (if it should be). */
  async start(): Promise<void> {
    this.#onMode(this.board.mode);
    await this.#follow(this.board.usb);
  }

  stop(): void {
    this.#stopped = true;
    this.board.off('usbChange', this.#onUsb);
    this.board.off('serialOutput', this.#onOutput);
    this.board.off('mode', this.#onMode);
    this.#endSession();
    this.line.close({ ending: true });
  }

  #onUsb = (presence: UsbPresence): void => {
    this.#follow(presence).catch(this.#onError);
  };

  #follow(presence: UsbPresence): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (presence === 'serial') {
      if (this.line.isOpen) return Promise.resolve();
      // The board is on USB again while its port is still being created: what it prints meanwhile is held for the port.
      if (!this.#held) {
        this.#held = [];
        this.#heldBytes = 0;
      }
      return this.line.open().then(() => this.#release());
    }
    // The board is gone from USB (a reset or DFU re-enumerates): whatever it was doing on serial ends.
    this.#held = undefined;
    this.#endSession();
    this.line.close();
    return Promise.resolve();
  }

  /** Output held while the port was being created goes out first, in order. */
  #release(): void {
    const held = this.#held;
    this.#held = undefined;
    for (const chunk of held ?? []) this.#write(chunk);
  }

  #onOutput = (chunk: Buffer): void => {
    this.#write(chunk);
  };

  /** Every byte to the host goes through here, log lines and listening replies alike. */
  #write(bytes: Buffer | string): void {
    if (this.#held) {
      if (this.#heldBytes < HELD_LIMIT_BYTES) {
        const chunk = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
        this.#held.push(chunk);
        this.#heldBytes += chunk.length;
      }
      return;
    }
    if (!this.line.isOpen) return;
    this.#offered += typeof bytes === 'string' ? Buffer.byteLength(bytes, 'latin1') : bytes.length;
    this.#sent += this.line.write(bytes);
  }

  #onMode = (mode: string): void => {
    if (mode !== 'listening') return this.#endSession();
    this.#session ??= new ListeningSession(this.board, (bytes) => this.#write(bytes), this.#ymodemWaitWallMs);
  };

  #onBaud = (baud: number): void => {
    const b = this.board;
    if (baud === DFU_BAUD) b.enterMode('dfu');
    else if (baud === LISTENING_BAUD && !deviceOsHas(b.deviceOsVersion, 'noListeningBaud') && b.mode !== 'listening') {
      b.enterMode('listening');
    }
  };

  #onHostData = (bytes: Buffer): void => {
    // Outside listening mode the host's bytes go to the app, and test apps do not read serial.
    if (this.board.mode === 'listening') this.#session?.feed(bytes);
  };

  #endSession(): void {
    this.#session?.dispose();
    this.#session = undefined;
  }
}
