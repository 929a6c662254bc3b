// Every timer of one boot of the board. A reset, power cut or dispose ends
// the lifetime and with it every pending timer, so nothing of the previous
// boot can fire into the next one and a disposed board leaves no timers.
import type { SimClock } from './contract.js';

export class Lifetime {
  private readonly timers = new Set<NodeJS.Timeout>();
  private ended = false;

  constructor(private readonly clock: SimClock) {}

  get active(): boolean {
    return !this.ended;
  }

  /** Runs `fn` after `boardMs` of board time, unless the lifetime ends first. */
  after(boardMs: number, fn: () => void): NodeJS.Timeout | undefined {
    if (this.ended) return undefined;
    const t = this.clock.setTimeout(() => {
      this.timers.delete(t);
      if (!this.ended) fn();
    }, boardMs);
    this.timers.add(t);
    return t;
  }

  every(boardMs: number, fn: () => void): NodeJS.Timeout | undefined {
    if (this.ended) return undefined;
    const t = this.clock.setInterval(() => {
      if (!this.ended) fn();
    }, boardMs);
    this.timers.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    clearInterval(t);
    this.timers.delete(t);
  }

  end(): void {
    this.ended = true;
    for (const t of this.timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    this.timers.clear();
  }

  get pending(): number {
    return this.timers.size;
  }
}
