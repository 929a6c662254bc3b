// Waiting, always bounded: a poll that asks the board until an answer satisfies the step or the time
// is up. A board that cannot be asked for a moment (it is rebooting) is asked
// again; only a board never reached at all makes the poll throw.
import type { Pace } from '../core/board-contract.js';
import { sleep } from '../core/clock.js';

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
 * Between two asks it waits `intervalMs`, or with a `pace` (the board's) until
 * the board does something, at most `intervalMs`.
 */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  satisfied: (value: T) => boolean,
  o: { withinMs: number; intervalMs: number; signal: AbortSignal; pace?: Pace },
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
    if (o.pace) await o.pace(Math.min(o.intervalMs, left), o.signal);
    else await sleep(Math.min(o.intervalMs, left), o.signal);
  }
  if (!last) throw lastError;
  return { value: last.value, satisfied: false, reads };
}
