// What the rig knows of one board, in one object: the enumeration it last
// saw and the boot that enumeration is, the boot its own next action will
// start, and what it read in a boot (module info, the `s` reply, that it
// asked for safe mode). A boot cannot change what it runs, so what was read
// in a boot holds until the next one. Reading this knowledge never changes
// it; the board writes it through the named methods below, at the moment it
// learns something.
import type { Boot, BoardModule, BootCause } from '../core/board-contract.js';
import type { SystemInfo } from '../core/module-listing.js';
import { BootLog, type SeqAt } from './boots.js';

/** What a boot said about itself: kept with the boot's number. */
interface Kept<T> {
  boot: number;
  value: T;
}

export class BoardState {
  readonly boots: BootLog;
  /** When the rig's knowledge of the board begins: its captures start no earlier. */
  readonly openedAt: number;
  /** Each enumeration the board showed, and the boot it is. */
  readonly #bootOfEnumeration = new Map<string, Boot>();
  /** When the latest look at the bus began. */
  #lastLookAt: number | undefined;
  /** The boot the rig's own action in progress will start, and when it asked. */
  #expected: { why: BootCause; at: number } | undefined;
  #moduleInfo: Kept<BoardModule[] | undefined> | undefined;
  #serialInfo: Kept<SystemInfo> | undefined;
  #safeRequested: number | undefined;

  constructor(o: { openedAt?: number; seqs: { log: SeqAt; events: SeqAt } }) {
    this.openedAt = o.openedAt ?? Date.now();
    this.boots = new BootLog(o.seqs);
  }

  /**
   * Records a look at the bus that began at `lookedAt` and found `listing`
   * (undefined: the board is not on USB); the boot the board is in. A new
   * enumeration is a new boot: it began after the previous look, and not
   * before the request of the action that was expected to start it.
   */
  saw(enumeration: string | undefined, lookedAt: number): Boot | undefined {
    const previousLook = this.#lastLookAt;
    // Looks may overlap; the latest one to begin bounds the next boot.
    this.#lastLookAt = Math.max(lookedAt, previousLook ?? -Infinity);
    if (enumeration === undefined) return undefined;
    const known = this.#bootOfEnumeration.get(enumeration);
    if (known) return known;
    const expected = this.#expected;
    this.#expected = undefined;
    const boot = expected
      ? this.boots.begin({ why: expected.why, startedAt: Math.max(expected.at, previousLook ?? -Infinity) })
      : previousLook === undefined
        ? this.boots.begin({ why: 'found', startedAt: this.openedAt })
        : this.boots.begin({ why: 'enumeration', startedAt: previousLook });
    this.#bootOfEnumeration.set(enumeration, boot);
    return boot;
  }

  /**
   * The rig is about to do something that starts a boot (`why`): the next
   * new enumeration is that boot, dated from now. The returned function
   * withdraws the expectation (the action failed before the board restarted).
   */
  expectBoot(why: BootCause, at = Date.now()): () => void {
    const expected = { why, at };
    this.#expected = expected;
    return () => {
      if (this.#expected === expected) this.#expected = undefined;
    };
  }

  /** The module info read in `boot`: undefined when not read in it; `{ modules: undefined }` when the board refused the request (old Device OS). */
  moduleInfo(boot: Boot): { modules: BoardModule[] | undefined } | undefined {
    return this.#moduleInfo?.boot === boot.number ? { modules: this.#moduleInfo.value } : undefined;
  }

  keepModuleInfo(boot: Boot, modules: BoardModule[] | undefined): void {
    this.#moduleInfo = { boot: boot.number, value: modules };
  }

  /** The `s` reply read in `boot` (listening mode), if any. */
  serialInfo(boot: Boot): SystemInfo | undefined {
    return this.#serialInfo?.boot === boot.number ? this.#serialInfo.value : undefined;
  }

  keepSerialInfo(boot: Boot, info: SystemInfo): void {
    this.#serialInfo = { boot: boot.number, value: info };
  }

  /**
   * Whether the rig asked for safe mode and `boot` is the one the board came
   * back in. Device OS reports safe mode as normal over USB; the rig knows it
   * asked, and the next boot ends it.
   */
  safeByRequest(boot: Boot): boolean {
    return this.#safeRequested === boot.number;
  }

  cameBackInSafeMode(boot: Boot): void {
    this.#safeRequested = boot.number;
  }
}
