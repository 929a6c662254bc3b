// Board time for the simulated bench. Every board-side duration (boot, YMODEM
// packet wait, update_timeout) is board time; the clock runs `scale` times
// faster than the wall so tests and demos do not wait minutes. Timers are
// plain Node timers scaled once, so an idle board costs nothing.
import { BenchClock, sleep } from '../core/clock.js';
import type { SimClock } from './board/contract.js';

export function createClock(scale: number): SimClock {
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new TypeError(`Expected the clock scale to be a positive number, got ${String(scale)}`);
  }
  // The same board-to-wall conversion as the rig's (one rounding, up).
  const bench = new BenchClock(scale);
  const origin = performance.now();

  return {
    scale,
    now: () => (performance.now() - origin) * scale,
    sleep: (boardMs, signal) => sleep(bench.wallMs(boardMs), signal),
    setTimeout: (fn, boardMs) => setTimeout(fn, bench.wallMs(boardMs)),
    // Node clamps intervals below 1 ms to 1 ms; a board asking for faster
    // ticks than the wall can give simply runs a little slower.
    setInterval: (fn, boardMs) => setInterval(fn, bench.wallMs(boardMs)),
  };
}
