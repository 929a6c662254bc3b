// The board's side of its USB CDC serial port, whatever carries it to the
// host: a PTY (SimPty, the socket bench) or the CDC-ACM endpoints of its USB
// device (CdcLine, served over USB/IP). The serial endpoint drives either
// the same way: open when the board is on USB as a serial device, closed
// otherwise; the host's bytes and line speed come back as events.
import type { EventEmitter } from 'node:events';

export interface SerialLineEvents {
  /** Bytes the host wrote. */
  data: [bytes: Buffer];
  /** The host set a line speed (SET_LINE_CODING, or a PTY's termios). */
  baud: [baud: number];
}

export interface SerialLine extends EventEmitter<SerialLineEvents> {
  readonly isOpen: boolean;
  /** Where a host finds the port, for people: a path, or a USB/IP bus ID. */
  readonly description: string;
  /** The port appears (resolves once it is there). */
  open(): Promise<void>;
  /** The port vanishes; `ending`: because the simulator ends. */
  close(o?: { ending?: boolean }): void;
  /** Writes board output; returns how many bytes the port took (none while absent). */
  write(bytes: Buffer | string): number;
}
