// Time, owned in one place. Plans, benches and board behaviour speak board
// time; a simulated bench runs it `timeScale` times faster than the wall
// (a real one at 1). BenchClock is the one conversion between the two, and
// the helpers below are the one way the rig waits: every wait ends at its
// time or at its signal, whichever comes first, and rejects with the
// signal's own reason, so whoever aborted says why.
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { TimeoutError } from './errors.js';

/**
 * Wall time the rig's own work needs whatever the board's speed: USB round
 * trips, starting dfu-util, an HTTP request, opening a port. A simulated
 * board at x20 does not make those 20 times faster, so a wait that includes
 * them never gets less than this.
 */
export const RIG_WORK_MS = 3000;

export class BenchClock {
  constructor(readonly timeScale: number) {
    if (!Number.isFinite(timeScale) || timeScale <= 0) throw new RangeError(`a time scale is a positive number, got ${timeScale}`);
  }

  /** Wall ms for `boardMs` of board time: rounded up, so a board wait is never cut short; 0 stays 0. */
  wallMs(boardMs: number): number {
    return boardMs > 0 ? Math.ceil(boardMs / this.timeScale) : 0;
  }

  /** Wall ms for a wait that also covers the rig's own work: wallMs, but at least `rigWorkMs`. */
  wallMsWithRigWork(boardMs: number, rigWorkMs = RIG_WORK_MS): number {
    return Math.max(rigWorkMs, this.wallMs(boardMs));
  }

  /** Board ms that `wallMs` of wall time stand for (how long something took, in the board's terms). */
  boardMs(wallMs: number): number {
    return Math.round(wallMs * this.timeScale);
  }

  /** Board ms since a wall-clock moment (Date.now() ms). */
  boardMsSince(wallAt: number, now = Date.now()): number {
    return this.boardMs(now - wallAt);
  }

  /** Between two looks of a poll: one board second, kept between 20 ms and 1 s of wall time. */
  pollMs(): number {
    return Math.min(1000, Math.max(20, this.wallMs(1000)));
  }

  /** Waits `boardMs` of board time; rejects with the signal's reason when it aborts first. */
  sleep(boardMs: number, signal?: AbortSignal): Promise<void> {
    return sleep(this.wallMs(boardMs), signal);
  }
}

/** Resolves after `ms` wall ms; rejects with the signal's reason when it aborts first. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (err) {
    throw signal?.aborted ? signal.reason : err;
  }
}

/**
 * Settles as `work` does, or rejects with the signal's reason when it aborts
 * first. The work goes on (not every call can be cancelled); its late outcome
 * is dropped.
 */
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => {}); // nobody waits for it any more
    throw signal.reason;
  }
  const stopListening = new AbortController();
  const aborted = once(signal, 'abort', { signal: stopListening.signal }).then(
    () => Promise.reject(signal.reason),
    () => new Promise<never>(() => {}), // the work settled first and stopped the listener
  );
  try {
    return await Promise.race([work, aborted]);
  } finally {
    stopListening.abort();
    work.catch(() => {});
  }
}

/**
 * `work` within `ms` wall ms: rejects with TimeoutError(what) past it, or
 * with the signal's reason when it aborts first. Every USB and cloud call
 * gets one, so a board that stops answering cannot hang a run.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) throw new TypeError(`Expected a positive deadline for ${what}, got ${ms}`);
  const expiry = new AbortController();
  const timer = setTimeout(() => expiry.abort(new TimeoutError(what, ms)), ms);
  try {
    return await untilAborted(work, signal ? AbortSignal.any([signal, expiry.signal]) : expiry.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** A signal that aborts with `reason()` after `ms` wall ms, unless cleared first. */
export interface Deadline {
  readonly signal: AbortSignal;
  clear(): void;
}

export function deadlineAfter(ms: number, reason: () => unknown): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason()), Math.min(Math.max(0, ms), MAX_TIMER_MS));
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Node's timers hold at most 2^31-1 ms (24.8 days); a longer limit is as good as none. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A wait for something pushed to the rig (a line, a cloud event, a port
 * opening, a reply). `arm(resolve, reject)` starts listening and returns how
 * to stop; the wait ends with what it resolves or rejects, with
 * `onTimeout()` after `ms` wall ms (return a value or throw), or with the
 * signal's reason. Whichever comes first disarms the rest.
 */
export function waitWithin<T>(
  o: { ms: number; signal?: AbortSignal; onTimeout: () => T },
  arm: (resolve: (value: T) => void, reject: (err: unknown) => void) => (() => void) | void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let disarm: (() => void) | void;
    const stopListening = new AbortController();
    const end = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopListening.abort();
      disarm?.();
      finish();
    };
    const timer = setTimeout(() => end(() => {
      try {
        resolve(o.onTimeout());
      } catch (err) {
        reject(err);
      }
    }), Math.min(Math.max(0, o.ms), MAX_TIMER_MS));
    const signal = o.signal;
    if (signal?.aborted) return end(() => reject(signal.reason));
    signal && once(signal, 'abort', { signal: stopListening.signal }).then(() => end(() => reject(signal.reason)), () => {});
    disarm = arm((value) => end(() => resolve(value)), (err) => end(() => reject(err)));
    if (settled) disarm?.(); // arm settled the wait at once, before it could be disarmed
  });
}
