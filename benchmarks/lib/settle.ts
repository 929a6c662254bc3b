// Waits until a set of counters stops moving: the board went quiet and the
// last bytes in flight reached the host. Every wait has a limit.
import { setTimeout as sleep } from 'node:timers/promises';

export interface SettleOptions {
  /** Unchanged for this long (wall ms) counts as settled. */
  quietMs: number;
  limitMs: number;
  pollMs?: number;
  what: string;
}

export async function settle<T>(read: () => Promise<T>, o: SettleOptions): Promise<T> {
  const deadline = Date.now() + o.limitMs;
  let last = await read();
  let lastJson = JSON.stringify(last);
  let since = Date.now();
  while (Date.now() - since < o.quietMs) {
    if (Date.now() > deadline) throw new Error(`${o.what} did not settle within ${o.limitMs} ms`);
    await sleep(o.pollMs ?? 25);
    const now = await read();
    const json = JSON.stringify(now);
    if (json !== lastJson) {
      last = now;
      lastJson = json;
      since = Date.now();
    }
  }
  return last;
}
