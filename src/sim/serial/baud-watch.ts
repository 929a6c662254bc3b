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
// re-arms it (restoring the port's initial termios, speed included) and
// ignores the status byte that its own re-arm causes.

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
  /** Restores the initial termios (EXTPROC set, speed `initialBaud`). */
  rearm(): void;
  initialBaud: number;
}

export type HostActivity = 'termios' | 'flush' | 'data';

// The status byte a re-arm causes arrives within milliseconds; past this the
// watch stops expecting it so a real host change is never swallowed for long.
const SELF_EVENT_GRACE_MS = 100;

export class BaudWatch {
  #last: number;
  #activeUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #selfEventTimer: NodeJS.Timeout | undefined;
  #reading = false;
  #stopped = false;
  #expectSelfEvent = true; // allocation and the initial raw-mode snapshot each cause one
  #rearmNeeded = false;

  constructor(
    private readonly port: BaudWatchPort,
    private readonly onChange: (baud: number) => void,
    private readonly timing: BaudWatchTiming = DEFAULT_BAUD_WATCH_TIMING,
  ) {
    this.#last = port.initialBaud;
    this.#armSelfEventGrace();
    this.#schedule();
  }

  get baud(): number {
    return this.#last;
  }

  /** Returns true when a termios change came from the host (an open, or a new speed). */
  hostActivity(kind: HostActivity): boolean {
    if (this.#stopped) return false;
    // A status byte our own re-arm caused must not cause another re-arm (that
    // would loop); it still wakes the poll, which costs one short fast spell.
    let byHost = false;
    if (kind === 'termios') {
      if (this.#expectSelfEvent) this.#expectSelfEvent = false;
      else byHost = this.#rearmNeeded = true;
    }
    this.#activeUntil = Date.now() + this.timing.activeWindowMs;
    this.#poll();
    return byHost;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#selfEventTimer);
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
    if (this.#rearmNeeded && Date.now() >= this.#activeUntil) {
      this.#rearmNeeded = false;
      this.#armSelfEventGrace();
      this.port.rearm();
      this.#last = this.port.initialBaud;
    }
  }

  #armSelfEventGrace(): void {
    this.#expectSelfEvent = true;
    clearTimeout(this.#selfEventTimer);
    this.#selfEventTimer = setTimeout(() => (this.#expectSelfEvent = false), SELF_EVENT_GRACE_MS);
  }
}
