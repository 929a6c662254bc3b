// Where a board is and which boot it is in, as the USB bus shows it. Not
// enumerated: absent; the DFU PID: dfu; the serial PID: GetDeviceMode tells
// listening from normal. Device OS reports safe mode as normal, so safe mode
// is read from the modules (a user part missing or failing its checks boots
// into safe mode) or from the rig having asked for it in this boot. Each look
// at the bus is recorded in the board's state (a new enumeration is a new
// boot); the board's other parts (modes, app identity, flashing, restarts)
// are given this object and build on its looks and waits.
import type { Boot, BootCause, BootHistory, BoardModule, BoardPresence, EventCapture, LogCapture } from '../core/board-contract.js';
import type { DeviceId } from '../core/domain.js';
import { isRefused, withUsbControl, type BusGeneration, type UsbBoardListing, type UsbBus, type UsbControl } from '../transport/usb.js';
import { BoardState } from './board-state.js';
import { firstSeqFrom } from './boots.js';
import { BUS_CHANGE_RECHECK_MS, presencePollMs } from './timing.js';

/** The board on the bus at one look, and the boot that enumeration is. */
export interface Look {
  listing: UsbBoardListing;
  boot: Boot;
}

/** A board's mode, the boot it was read in, and the modules where telling the mode needed them (serial mode, not listening). */
export interface PresenceReading {
  mode: BoardPresence;
  boot?: Boot;
  /** Undefined where not read, or where the board does not answer module info (old Device OS). */
  modules?: BoardModule[];
}

/** A user part that is missing or fails a check, or a module failing its dependencies, means safe mode. */
export function safeByModules(modules: readonly BoardModule[]): boolean {
  const main = modules.filter((m) => m.location === 'main');
  if (!main.some((m) => m.func === 'user-part')) return true;
  return main.some((m) => !(m.checks.integrity && m.checks.dependencies && m.checks.range && m.checks.platform));
}

/** Module info, or undefined where the board refuses the request (old Device OS). */
export function moduleInfoOf(c: UsbControl, signal?: AbortSignal): Promise<BoardModule[] | undefined> {
  return c.modules(signal).catch((err: unknown) => {
    if (isRefused(err)) return undefined;
    throw err;
  });
}

/**
 * The mode of a board USB lists as a serial device: listening by
 * GetDeviceMode; else safe when the rig asked for it in this boot or the
 * modules fail their checks; else normal.
 */
export async function readSerialMode(
  c: UsbControl,
  o: { safeByRequest: boolean; moduleInfo: () => Promise<BoardModule[] | undefined>; signal?: AbortSignal },
): Promise<PresenceReading> {
  // Both questions at once (a new boot's modules cost a request); the answer on modules
  // matters only outside listening mode, and so does its failure.
  const asked = o.moduleInfo().then((modules) => ({ modules }), (err: unknown) => ({ err }));
  if ((await c.mode(o.signal)) === 'listening') return { mode: 'listening' };
  if (o.safeByRequest) return { mode: 'safe' };
  const answer = await asked;
  if ('err' in answer) throw answer.err;
  const modules = answer.modules;
  // A board that does not answer module info (old Device OS) is taken at its word: normal.
  return modules ? { mode: safeByModules(modules) ? 'safe' : 'normal', modules } : { mode: 'normal' };
}

/** What BoardOnUsb is given: the board's device ID, the bus it is on, and its captures (boots are dated by where they stood). */
export interface OnUsbReach {
  id: DeviceId;
  bus: UsbBus;
  log: Pick<LogCapture, 'lines'>;
  events: Pick<EventCapture, 'events'> | undefined;
  /** When the captures started (default: now): the rig knows nothing of the board from before. */
  openedAt?: number;
}

export class BoardOnUsb {
  /**
   * What the rig knows of the board. Looks, waits and module info write it
   * here; the board's other parts are given it to record what only they
   * learn (that the rig asked for safe mode, the serial `s` reply).
   */
  readonly state: BoardState;
  readonly #id: DeviceId;
  readonly #bus: UsbBus;

  constructor(reach: OnUsbReach) {
    this.#id = reach.id;
    this.#bus = reach.bus;
    const { log, events } = reach;
    this.state = new BoardState({
      openedAt: reach.openedAt,
      seqs: { log: (at) => firstSeqFrom(log.lines(), at), events: (at) => (events ? firstSeqFrom(events.events(), at) : 0) },
    });
  }

  get boots(): BootHistory {
    return this.state.boots;
  }

  /** Looks at the bus and records what it saw; the board and its boot, or undefined when it is not on USB. */
  async look(signal?: AbortSignal): Promise<Look | undefined> {
    const lookedAt = Date.now();
    const listing = (await this.#bus.list(signal)).find((b) => b.id === this.#id);
    const boot = this.state.saw(listing?.enumeration, lookedAt);
    return listing && boot ? { listing, boot } : undefined;
  }

  /** The module info of `boot`: asked once, kept until the next boot (what a boot runs cannot change before then). */
  async moduleInfo(boot: Boot, signal?: AbortSignal, c?: UsbControl): Promise<BoardModule[] | undefined> {
    const kept = this.state.moduleInfo(boot);
    if (kept) return kept.modules;
    const modules = c
      ? await moduleInfoOf(c, signal)
      : await withUsbControl(this.#bus, this.#id, { mode: 'serial', timeoutMs: 3000, signal }, (control) => moduleInfoOf(control, signal));
    this.state.keepModuleInfo(boot, modules);
    return modules;
  }

  /**
   * The board's mode now, the boot it is in, and its modules where telling the
   * mode took reading them. `seen`: a look just made, which the read starts
   * from instead of listing the bus again (a retry looks afresh).
   */
  async read(signal?: AbortSignal, seen?: Look): Promise<PresenceReading> {
    for (let attempt = 0; ; attempt++) {
      const look = attempt === 0 && seen ? seen : await this.look(signal);
      if (!look) return { mode: 'absent' };
      if (look.listing.mode === 'dfu') return { mode: 'dfu', boot: look.boot };
      try {
        const { boot } = look;
        const { enumeration } = look.listing;
        // A retry looks again: the enumeration it just saw is opened without listing the bus again.
        const reading = await withUsbControl(this.#bus, this.#id, { mode: 'serial', timeoutMs: 2000, signal, enumeration }, (c) =>
          readSerialMode(c, { safeByRequest: this.state.safeByRequest(boot), moduleInfo: () => this.moduleInfo(boot, signal, c), signal }),
        );
        return { ...reading, boot };
      } catch (err) {
        // It may have left the bus between the listing and the request (a reset): look again.
        if (signal?.aborted || attempt >= 2) throw err;
      }
    }
  }

  async presence(signal?: AbortSignal): Promise<BoardPresence> {
    const { mode } = await this.read(signal);
    this.state.boots.sawMode(mode); // for the report's timeline: mode changes as the rig read them
    return mode;
  }

  /**
   * Looks at the bus (cheaply: a listing is enough for absent and dfu) until
   * `want`, again at each change of the bus or after a short pause (a mode
   * that needs no new enumeration, like listening); false after `withinMs`.
   */
  async waitForPresence(want: BoardPresence, o: { withinMs: number; signal?: AbortSignal }): Promise<boolean> {
    const deadline = Date.now() + o.withinMs;
    const nextLook = this.paceLooks();
    // Absent and DFU mode are told by the listing alone, so only a change of the bus can change them.
    const listed = want === 'absent' || want === 'dfu';
    for (;;) {
      let now: BoardPresence | undefined;
      try {
        if (listed) {
          const look = await this.look(o.signal);
          now = !look ? 'absent' : look.listing.mode === 'dfu' ? 'dfu' : undefined;
          if (now) this.state.boots.sawMode(now); // the report's timeline, as in presence()
        } else {
          now = await this.presence(o.signal);
        }
      } catch (err) {
        if (o.signal?.aborted) throw err;
        now = undefined; // a board in the middle of a reset: ask again
      }
      if (now === want) return true;
      if (Date.now() >= deadline) return false;
      await nextLook(o.signal, listed ? deadline - Date.now() : undefined);
    }
  }

  /**
   * Looks at each change of the bus (or poll) until the board shows a boot
   * after `after` (in serial mode, with `serial`); that look, or undefined
   * after `withinMs`. A restart is seen as a new enumeration, even when the
   * old one was gone faster than one look at the bus.
   */
  async waitForBoot(after: Boot | undefined, o: { withinMs: number; serial?: boolean; signal?: AbortSignal }): Promise<Look | undefined> {
    const deadline = Date.now() + o.withinMs;
    const nextLook = this.paceLooks();
    for (;;) {
      const look = await this.look(o.signal).catch((err: unknown) => {
        if (o.signal?.aborted) throw err;
        return undefined;
      });
      if (look && look.boot.number > (after?.number ?? 0) && (!o.serial || look.listing.mode === 'serial')) return look;
      if (Date.now() >= deadline) return undefined;
      // A new boot is a new enumeration: only a change of the bus brings it.
      await nextLook(o.signal, deadline - Date.now());
    }
  }

  /**
   * Runs `act`, which starts a boot (`why`): the next new enumeration is
   * dated from now and named for it. Withdrawn when `act` throws, or when
   * `arrived` says the board did not get where the act was taking it.
   */
  async startingBoot<T>(why: BootCause, act: () => Promise<T>, arrived: (result: T) => boolean = () => true): Promise<T> {
    const withdraw = this.state.expectBoot(why);
    try {
      const result = await act();
      if (!arrived(result)) withdraw();
      return result;
    } catch (err) {
      withdraw();
      throw err;
    }
  }

  /**
   * The pause between the looks of a wait: it ends at the bus's next change, or
   * after 1, 2, 4, 8 ms, then PRESENCE_POLL_MS (a mode change without a new
   * enumeration). A wait whose answer only a change of the bus can bring (a
   * new enumeration, a board leaving) passes `busChangeWithinMs`: on a bus
   * that tells its changes the pause then lasts until the next one (at most
   * that long, and BUS_CHANGE_RECHECK_MS), instead of a look every 10 ms that
   * costs the rig and the bus a listing each. Made before the first look: the
   * bus's generation is asked then (one connection answers in order), so no
   * change after that look is missed.
   */
  paceLooks(): (signal?: AbortSignal, busChangeWithinMs?: number) => Promise<void> {
    const first = this.#bus.generation();
    let generation: BusGeneration;
    let looks = 0;
    return async (signal, busChangeWithinMs) => {
      const since = generation ?? (await first);
      const pause = since !== undefined && busChangeWithinMs !== undefined
        ? Math.max(1, Math.min(busChangeWithinMs, BUS_CHANGE_RECHECK_MS))
        : presencePollMs(looks++);
      generation = await this.#bus.nextChange(since, pause, signal);
    };
  }
}
