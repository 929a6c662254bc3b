// Waiting, always bounded: a sleep that ends with the step's signal, and a
// poll that asks the board until an answer satisfies the step or the time
// is up. A board that cannot be asked for a moment (it is rebooting) is asked
// again; only a board never reached at all makes the poll throw.
import type { StepContext } from './context.js';

/** Resolves after `ms` wall ms; rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Settles as `work` does, or rejects with the signal's reason when it aborts first. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {}); // settled later by a cancelled call: nobody is waiting for it any more
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** One board second between polls, scaled to wall time, kept between 20 ms and 1 s. */
export function pollInterval(ctx: Pick<StepContext, 'timeScale'>): number {
  return Math.min(1000, Math.max(20, 1000 / ctx.timeScale));
}

export interface PollResult<T> {
  /** The last answer, if the board answered at all. */
  value: T;
  satisfied: boolean;
  /** How many answers were read. */
  reads: number;
}

/**
 * Asks `probe` until `satisfied(answer)` or `withinMs` wall ms have passed
 * (withinMs 0: asks once). Throws the last error when the board never answered.
 */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  satisfied: (value: T) => boolean,
  o: { withinMs: number; intervalMs: number; signal: AbortSignal },
): Promise<PollResult<T>> {
  const end = Date.now() + o.withinMs;
  let last: { value: T } | undefined;
  let lastError: unknown;
  let reads = 0;
  for (;;) {
    try {
      const value = await probe();
      reads++;
      last = { value };
      if (satisfied(value)) return { value, satisfied: true, reads };
    } catch (err) {
      if (o.signal.aborted) throw o.signal.reason;
      lastError = err;
    }
    const left = end - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(o.intervalMs, left), o.signal);
  }
  if (!last) throw lastError;
  return { value: last.value, satisfied: false, reads };
}
