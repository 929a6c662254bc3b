// Notices when the host changes the line speed of a simulated CDC port, the
// way a real board sees a SET_LINE_CODING request. A PTY offers no event for
// "someone opened the slave", so the watch combines two things:
// - wake-ups: with EXTPROC set, Linux reports a host's tcsetattr() as a
//   packet-mode status byte on the master (serialport's open() does one);
//   flushes and host data are wake-ups too;
// - polls: fast (activePollMs) for a while after a wake-up, because the
//   status byte arrives before the host's second ioctl sets a custom speed;
//   slow (idlePollMs) otherwise, as a backstop. Measured with 32 idle ports:
//   a 20 ms poll everywhere costs ~7% of a core; this watch ~0.5% over an
//   idle Node process (1 s backstop poll, no wake-ups).
// A host's open() clears EXTPROC, so once the line goes quiet the watch
// re-arms it (restoring the port's initial termios, speed included).
// The status byte is a bit mask the kernel merges until the master reads it,
// so the simulator's own termios changes and a host's can arrive as one
// byte: counting bytes cannot tell them apart. The port (PtyLine) therefore
// reads the reports its own changes cause synchronously, right after making
// them, and every report the watch is told about is the host's.

export interface BaudWatchTiming {
  /** Poll period right after the host touched the line (wall ms). */
  activePollMs: number;
  /** Poll period while nothing happens (wall ms). */
  idlePollMs: number;
  /** How long the line counts as active after the last wake-up (wall ms). */
  activeWindowMs: number;
}

export const DEFAULT_BAUD_WATCH_TIMING: BaudWatchTiming = { activePollMs: 10, idlePollMs: 1000, activeWindowMs: 1500 };

export interface BaudWatchPort {
  readSpeed(): Promise<number>;
  /**
   * Restores the initial termios (EXTPROC set, speed `initialBaud`) and takes
   * the status report that causes. Returns false, and restores nothing, when
   * a report of the host's was waiting: the host is busy with the line.
   */
  rearm(): boolean;
  initialBaud: number;
}

export type HostActivity = 'termios' | 'flush' | 'data';

export class BaudWatch {
  #last: number;
  #activeUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #reading = false;
  #stopped = false;
  #rearmNeeded = false;

  constructor(
    private readonly port: BaudWatchPort,
    private readonly onChange: (baud: number) => void,
    private readonly timing: BaudWatchTiming = DEFAULT_BAUD_WATCH_TIMING,
  ) {
    this.#last = port.initialBaud;
    this.#schedule();
  }

  get baud(): number {
    return this.#last;
  }

  /** The host touched the line: a termios change (an open, a new speed), a flush, or bytes. */
  hostActivity(kind: HostActivity): void {
    if (this.#stopped) return;
    // A host's tcsetattr() may have cleared EXTPROC: re-arm once the line is quiet.
    if (kind === 'termios') this.#rearmNeeded = true;
    this.#activeUntil = Date.now() + this.timing.activeWindowMs;
    this.#poll();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    const active = Date.now() < this.#activeUntil;
    this.#timer = setTimeout(() => this.#poll(), active ? this.timing.activePollMs : this.timing.idlePollMs);
  }

  #poll(): void {
    if (this.#stopped || this.#reading) return;
    this.#reading = true;
    this.port
      .readSpeed()
      .then((baud) => this.#observe(baud))
      // The fd can close under a read in flight; stop() already ended the watch then.
      .catch(() => undefined)
      .finally(() => {
        this.#reading = false;
        this.#schedule();
      });
  }

  #observe(baud: number): void {
    if (this.#stopped) return;
    if (baud !== this.#last) {
      this.#last = baud;
      this.#rearmNeeded = true;
      this.#activeUntil = Date.now() + this.timing.activeWindowMs;
      this.onChange(baud);
      if (this.#stopped) return;
    }
    if (this.#rearmNeeded && Date.now() >= this.#activeUntil && this.port.rearm()) {
      this.#rearmNeeded = false;
      this.#last = this.port.initialBaud;
    }
  }
}
