// The boots a board went through, as the rig saw them, and which boot a
// piece of evidence belongs to. Evidence carries the wall ms it arrived at
// (trace lines, cloud events, readings), boots the wall ms they may have
// begun at, so the attribution is a search by time. No I/O: the board
// records boots here (src/board/board-state.ts) and anything may read them.
import type { Boot, BootCause, BootHistory, BoardPresence, ModeSeen } from '../core/board-contract.js';

/** Where a capture's first item at or after a wall ms is (or will be): its seq. */
export type SeqAt = (at: number) => number;

/** The seq of the first of `items` (in arrival order) that arrived at or after `at`; their count when none did. */
export function firstSeqFrom(items: readonly { at: number; seq: number }[], at: number): number {
  let first = items.length;
  // Scanned from the end: a boot is recorded soon after it began, so few items are newer.
  for (let i = items.length - 1; i >= 0 && items[i]!.at >= at; i--) first = i;
  return items[first]?.seq ?? (items.at(-1)?.seq ?? -1) + 1;
}

export class BootLog implements BootHistory {
  readonly #boots: Boot[] = [];
  readonly #modes: ModeSeen[] = [];

  constructor(private readonly seqs: { log: SeqAt; events: SeqAt }) {}

  get current(): Boot | undefined {
    return this.#boots.at(-1);
  }

  list(): readonly Boot[] {
    return this.#boots;
  }

  bootOf(evidence: { at: number }): Boot | undefined {
    for (let i = this.#boots.length - 1; i >= 0; i--) {
      const boot = this.#boots[i]!;
      if (evidence.at >= boot.startedAt) return boot;
    }
    return undefined;
  }

  modes(): readonly ModeSeen[] {
    return this.#modes;
  }

  /** Records the mode a presence read found; kept only when it differs from the last one (a history of changes, not of looks). */
  sawMode(mode: BoardPresence, at = Date.now()): void {
    if (this.#modes.at(-1)?.mode !== mode) this.#modes.push(Object.freeze({ at, mode }));
  }

  bootedSince(since: Boot | number): boolean {
    const boots = this.#boots.filter((b) => b.why !== 'found');
    return typeof since === 'number' ? boots.some((b) => b.startedAt > since) : boots.some((b) => b.number > since.number);
  }

  /**
   * Records a boot that began. `startedAt` is kept no earlier than the
   * previous boot's: evidence is attributed by time, so boots must not
   * overlap.
   */
  begin(o: { why: BootCause; startedAt: number; seenAt?: number }): Boot {
    const previous = this.current;
    const startedAt = Math.max(o.startedAt, previous?.startedAt ?? -Infinity);
    const boot: Boot = Object.freeze({
      number: (previous?.number ?? 0) + 1,
      why: o.why,
      startedAt,
      seenAt: o.seenAt ?? Date.now(),
      logSeq: this.seqs.log(startedAt),
      eventSeq: this.seqs.events(startedAt),
    });
    this.#boots.push(boot);
    return boot;
  }
}
