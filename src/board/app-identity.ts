// Which modules a board has and which app it runs. USB module info first;
// the serial `s` command (in listening mode, entered and left for it) where
// USB does not say; the cloud's spark/device/app-hash only where it is from
// the board's current boot, read once the board is back on USB (off USB it
// runs nothing the rig can vouch for). The hash is the one honest proof of an update. What
// a boot runs cannot change before the next boot, so each answer is asked
// once per boot and kept with it (in the board's state). Given the board's
// looks (BoardOnUsb), its mode machine (to visit listening mode), the serial
// line and the cloud's events.
import { InfraError } from '../core/errors.js';
import type { Boot, BoardModule, BoardPresence, RunningApp } from '../core/board-contract.js';
import type { BenchClock } from '../core/clock.js';
import type { SystemInfo } from '../core/module-listing.js';
import type { CloudEventLog } from '../transport/cloud.js';
import { readSystemInfo, type SerialLine } from '../transport/serial.js';
import type { BoardState } from './board-state.js';
import type { ModeMachine } from './modes.js';
import type { BoardOnUsb } from './on-usb.js';

const APP_HASH = 'spark/device/app-hash';
const SERIAL_REPLY_MS = 20_000;

const mainUserPart = (modules: readonly BoardModule[]): BoardModule | undefined =>
  modules.find((m) => m.func === 'user-part' && m.location === 'main');

/** What AppIdentity is given. */
export interface AppIdentityReach {
  /** The board's name, for messages. */
  name: string;
  clock: BenchClock;
  /** The board's serial port, lent by its log capture: `s` in listening mode. */
  serial: SerialLine;
  /** The board's cloud events (spark/device/app-hash); undefined without a cloud. */
  events: CloudEventLog | undefined;
  usb: BoardOnUsb;
  modes: ModeMachine;
  state: BoardState;
}

export class AppIdentity {
  // What it was given, kept whole: each part reads what it needs of it.
  readonly #reach: AppIdentityReach;

  constructor(reach: AppIdentityReach) {
    this.#reach = reach;
  }

  async modules(signal?: AbortSignal): Promise<BoardModule[]> {
    // Telling the mode may already have read this boot's modules.
    const { mode, modules, boot } = await this.#reach.usb.read(signal);
    if (mode === 'absent' || !boot) throw this.#notOnUsb('its modules');
    if (mode === 'dfu') throw new InfraError(`${this.#reach.name} is in DFU mode, where Device OS does not list its modules`, 'leave DFU mode first (a mode: normal step)');
    return modules ?? (await this.#reach.usb.moduleInfo(boot, signal)) ?? (await this.#serialInfo(mode, boot, signal)).modules;
  }

  /**
   * The running app. `cloudWaitMs`: how long to wait for the cloud's app-hash
   * from this boot before asking over serial, whose listening mode takes the
   * board off the cloud (a board that just booted publishes it as it connects).
   */
  async runningApp(signal?: AbortSignal, o: { cloudWaitMs?: number } = {}): Promise<RunningApp> {
    const { mode, modules, boot } = await this.#reach.usb.read(signal);
    // Evidence belongs to a boot: a board off USB (off, unplugged, restarting)
    // is in no boot the rig can see, so whatever the cloud said before is no
    // word on what it runs now. It runs nothing the rig can vouch for until it is back.
    if (mode === 'absent' || !boot) throw this.#notOnUsb('its running app');
    // Only normal mode runs the user part: DFU, safe and listening mode do not.
    if (mode !== 'normal') return { hash: undefined, source: 'usb', mode, boot };
    const user = modules && mainUserPart(modules);
    if (modules && !user) return { hash: undefined, source: 'usb', mode, boot };
    if (user?.hash) return { hash: user.hash, source: 'usb', mode, boot };
    // Device OS before 5.6 does not put the hash in USB module info.
    const fresh = this.#cloudHash(boot);
    if (fresh) return { hash: fresh, source: 'cloud', mode, boot };
    // Listening mode takes the board off the cloud: ask it once per boot, not at every look.
    const kept = this.#reach.state.serialInfo(boot);
    if (kept) return { hash: mainUserPart(kept.modules)?.hash, source: 'serial', mode, boot };
    const heard = await this.#awaitCloudHash(boot, o.cloudWaitMs ?? 0, signal);
    if (heard) return { hash: heard, source: 'cloud', mode, boot };
    const info = await this.#serialInfo(mode, boot, signal);
    return { hash: mainUserPart(info.modules)?.hash, source: 'serial', mode, boot };
  }

  /**
   * `s` in listening mode, once per boot; a board in another mode is put
   * there and brought back (Device OS leaves listening mode for the mode it
   * was in). Kept when the board is still in the same boot afterwards.
   */
  async #serialInfo(now: BoardPresence, boot: Boot, signal?: AbortSignal): Promise<SystemInfo> {
    const kept = this.#reach.state.serialInfo(boot);
    if (kept) return kept;
    if (now !== 'listening') await this.#reach.modes.enterMode('listening', signal);
    let info: SystemInfo;
    try {
      info = await this.#reach.serial.use((port) => readSystemInfo(port, { timeoutMs: this.#reach.clock.wallMsWithRigWork(SERIAL_REPLY_MS, 2000), signal }), { signal });
    } finally {
      if (now !== 'listening' && now !== 'absent' && now !== 'dfu' && !signal?.aborted) await this.#reach.modes.enterMode(now, signal);
    }
    if (this.#reach.usb.boots.current === boot) this.#reach.state.keepSerialInfo(boot, info);
    return info;
  }

  /** The latest app hash the cloud reported, if it is from `boot`, the board's current one. */
  #cloudHash(boot: Boot): string | undefined {
    const e = this.#reach.events?.latest(APP_HASH);
    if (!e || e.name !== APP_HASH) return undefined;
    return this.#reach.usb.boots.bootOf(e) === boot ? e.data.trim().toLowerCase() : undefined;
  }

  /**
   * The app-hash the cloud hears from `boot`, if it arrives within `withinMs`
   * (wall) of the rig first seeing the boot: a board connects to the cloud
   * once it runs, and the rig's own work before it saw the boot (dfu-util,
   * a YMODEM transfer) is no part of that. A boot that began before the rig
   * opened the board published it unheard, so there is nothing to wait for.
   * The hash counts only when it arrived after the boot began and the board
   * is still in that boot once it has arrived (a look at the bus): a board
   * that restarted meanwhile may have said it from its next boot.
   */
  async #awaitCloudHash(boot: Boot, withinMs: number, signal?: AbortSignal): Promise<string | undefined> {
    const log = this.#reach.events;
    if (!log || boot.why === 'found') return undefined;
    const left = withinMs - (Date.now() - boot.seenAt);
    if (left <= 0) return undefined;
    const e = await log.waitFor(APP_HASH, { fromSeq: log.events().length, withinMs: left, signal });
    if (!e || e.at < boot.startedAt) return undefined;
    const look = await this.#reach.usb.look(signal);
    return look?.boot === boot ? e.data.trim().toLowerCase() : undefined;
  }

  #notOnUsb(what: string): InfraError {
    return new InfraError(`${this.#reach.name} is not on USB: cannot read ${what}`, 'is it plugged in and powered?');
  }
}
