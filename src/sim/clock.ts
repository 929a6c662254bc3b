// Board time for the simulated bench. Every board-side duration (boot, YMODEM
// packet wait, update_timeout) is board time; the clock runs `scale` times
// faster than the wall so tests and demos do not wait minutes. Timers are
// plain Node timers scaled once, so an idle board costs nothing.
import type { SimClock } from './board/contract.js';

export function createClock(scale: number): SimClock {
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new TypeError(`Expected the clock scale to be a positive number, got ${String(scale)}`);
  }
  const origin = performance.now();
  const wall = (boardMs: number): number => Math.max(0, boardMs) / scale;

  return {
    scale,
    now: () => (performance.now() - origin) * scale,
    sleep(boardMs, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, wall(boardMs));
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    setTimeout: (fn, boardMs) => setTimeout(fn, wall(boardMs)),
    // Node clamps intervals below 1 ms to 1 ms; a board asking for faster
    // ticks than the wall can give simply runs a little slower.
    setInterval: (fn, boardMs) => setInterval(fn, wall(boardMs)),
  };
}
