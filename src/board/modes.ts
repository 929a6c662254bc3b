// The modes as one state machine (labgrid's strategies): a table says how
// to get from each mode to each other one, and each move is a named method
// that sends its request (a USB control request, what particle-cli does
// today; the serial line-coding trick or listening-mode keys where USB
// control is refused) and verifies that the board arrived. Moves that
// restart the board (into or out of DFU and safe mode) start a new boot;
// listening mode is entered and left in place. The machine is given the
// board's looks (BoardOnUsb: where it is, waits, boots), its state (to keep
// that the rig asked for safe mode), the bus for the requests and the serial
// line for the fallbacks.
import type { BoardModule, BoardPresence } from '../core/board-contract.js';
import { sleep, type BenchClock } from '../core/clock.js';
import type { BoardMode, DeviceId } from '../core/domain.js';
import { InfraError } from '../core/errors.js';
import { dfuByBaud, enterSafeModeKey, leaveListening, listeningByBaud, type SerialLine } from '../transport/serial.js';
import { withUsbControl, type UsbBus, type UsbControl } from '../transport/usb.js';
import type { BoardState } from './board-state.js';
import { safeByModules, type BoardOnUsb } from './on-usb.js';
import { REENUMERATE_BOARD_MS } from './timing.js';

/** The moves between modes; each is a method of ModeMachine. */
export type Transition = 'enterDfu' | 'leaveDfu' | 'enterListening' | 'leaveListening' | 'enterSafe' | 'leaveSafe';

/** How to get to a mode: one move, through another mode first, or not at all, and why. */
export type Route = { by: Transition } | { through: BoardMode } | { impossible: string | undefined; fix?: string };

const NOT_ON_USB: Route = { impossible: undefined, fix: 'is it plugged in and powered?' };

/**
 * From each mode (rows) to each other mode. Two rows depend on the boot and
 * are refined in ModeMachine.route: Device OS leaves listening mode for the
 * mode it was in (normal or safe), and a board whose modules fail their
 * checks boots into safe mode again at every reset.
 */
export const MODE_ROUTES: Readonly<Record<BoardPresence, Readonly<Partial<Record<BoardMode, Route>>>>> = {
  normal: { listening: { by: 'enterListening' }, dfu: { by: 'enterDfu' }, safe: { by: 'enterSafe' } },
  listening: { normal: { by: 'leaveListening' }, dfu: { by: 'enterDfu' }, safe: { by: 'enterSafe' } },
  // Listening mode is asked of a running Device OS, not of the DFU bootloader.
  dfu: { normal: { by: 'leaveDfu' }, listening: { through: 'normal' }, safe: { by: 'enterSafe' } },
  safe: { normal: { by: 'leaveSafe' }, listening: { by: 'enterListening' }, dfu: { by: 'enterDfu' } },
  absent: { normal: NOT_ON_USB, listening: NOT_ON_USB, dfu: NOT_ON_USB, safe: NOT_ON_USB },
};

/** Where a move left the board: whether it reached `mode`, and how the request went out. */
export interface Arrival {
  mode: BoardMode;
  reached: boolean;
  how: 'usb' | 'serial';
}

/** A mode request: the USB control request, and the serial way where there is one (false: the board did not react). */
interface ModeRequest {
  usb: (c: UsbControl) => Promise<void>;
  serial?: () => Promise<boolean>;
}

const RETRY_PAUSE_MS = 300;

const shown = (p: BoardPresence): string => (p === 'absent' ? 'not on USB' : `in ${p} mode`);

/** The main modules that fail a check, in words ("user part 1 fails its dependencies check"). */
function failing(modules: readonly BoardModule[]): string {
  const main = modules.filter((m) => m.location === 'main');
  if (!main.some((m) => m.func === 'user-part')) return 'it has no user part';
  return main
    .flatMap((m) => {
      const failed = Object.entries(m.checks).filter(([, ok]) => !ok).map(([check]) => check);
      return failed.length ? [`${m.func.replace('-', ' ')} ${m.index} fails its ${failed.join(' and ')} check`] : [];
    })
    .join(', ');
}

/** What the mode machine is given. */
export interface ModeMachineReach {
  /** The board's name, for messages. */
  name: string;
  id: DeviceId;
  bus: UsbBus;
  clock: BenchClock;
  /** The board's serial port, lent by its log capture: the fallback way of asking. */
  serial: SerialLine;
  usb: BoardOnUsb;
  state: BoardState;
}

export class ModeMachine {
  readonly #reach: ModeMachineReach;

  constructor(reach: ModeMachineReach) {
    this.#reach = reach;
  }

  /** Enters the mode and verifies it, move by move along MODE_ROUTES. */
  async enterMode(want: BoardMode, signal?: AbortSignal): Promise<void> {
    let from = await this.#reach.usb.presence(signal);
    let askedAgain = false;
    for (;;) {
      if (from === want) return;
      const route = await this.route(from, want, signal);
      if ('impossible' in route) {
        throw new InfraError(`${this.#reach.name} is ${shown(from)}: cannot enter ${want} mode${route.impossible ? `: ${route.impossible}` : ''}`, route.fix);
      }
      if ('through' in route) {
        await this.enterMode(route.through, signal);
        from = route.through;
        continue;
      }
      const arrival = await this.#move(route.by, from, signal);
      if (arrival.reached) {
        from = arrival.mode;
        continue;
      }
      // The line-coding trick is missed now and then (the old CLI asked again too).
      if (arrival.how === 'serial' && !askedAgain) {
        askedAgain = true;
        from = await this.#reach.usb.presence(signal);
        continue;
      }
      const now = await this.#reach.usb.presence(signal).catch(() => 'absent' as const);
      const why = arrival.mode === 'safe' ? ': it did not come back on USB as a serial device' : '';
      throw new InfraError(`${this.#reach.name} is ${shown(now)} ${this.#within()} ms after the ${arrival.mode} mode request (${arrival.how})${why}`);
    }
  }

  /** The way from one mode to another for this board now: MODE_ROUTES, refined by what this boot is. */
  async route(from: BoardPresence, want: BoardMode, signal?: AbortSignal): Promise<Route> {
    if (from === 'listening' && want !== 'dfu') {
      const back = await this.#modeOutsideListening(signal);
      if (want === back) return { by: 'leaveListening' };
      if (back === 'safe') return { through: 'safe' };
    }
    if (from === 'safe' && want === 'normal') {
      const boot = this.#reach.usb.boots.current;
      const modules = boot && (await this.#reach.usb.moduleInfo(boot, signal).catch(() => undefined));
      if (modules && safeByModules(modules)) {
        return {
          impossible: `${failing(modules)}, and Device OS boots into safe mode until its modules pass`,
          fix: 'flash a user part that its system parts satisfy, or the system parts it needs',
        };
      }
    }
    return MODE_ROUTES[from][want] ?? { impossible: `no way from ${from} to ${want} mode` };
  }

  /** The mode Device OS goes back to when it leaves listening mode: the one it was in, safe or normal. */
  async #modeOutsideListening(signal?: AbortSignal): Promise<'normal' | 'safe'> {
    const boot = this.#reach.usb.boots.current;
    if (!boot) return 'normal';
    if (this.#reach.state.safeByRequest(boot)) return 'safe';
    const modules = await this.#reach.usb.moduleInfo(boot, signal).catch(() => undefined);
    return modules && safeByModules(modules) ? 'safe' : 'normal';
  }

  #move(t: Transition, from: BoardPresence, signal?: AbortSignal): Promise<Arrival> {
    switch (t) {
      case 'enterDfu': return this.enterDfu(from, signal);
      case 'leaveDfu': return this.leaveDfu(signal);
      case 'enterListening': return this.enterListening(from, signal);
      case 'leaveListening': return this.leaveListening(signal);
      case 'enterSafe': return this.enterSafe(from, signal);
      case 'leaveSafe': return this.leaveSafe(signal);
    }
  }

  /** Into the DFU bootloader: request 50, else the 14400-baud trick. The board restarts. */
  enterDfu(from: BoardPresence, signal?: AbortSignal): Promise<Arrival> {
    return this.#reach.usb.startingBoot('mode', async () => {
      const how = await this.#ask(from, { usb: (c) => c.enterDfuMode(signal), serial: () => dfuByBaud(this.#reach.serial, { signal }) }, signal);
      return this.#arrival('dfu', how, signal);
    }, (a) => a.reached);
  }

  /** Out of DFU mode into the firmware: the DfuSe leave (a reset request in DFU mode). The board restarts. */
  leaveDfu(signal?: AbortSignal): Promise<Arrival> {
    return this.#reach.usb.startingBoot('mode', async () => this.#arrival('normal', await this.#ask('dfu', { usb: (c) => c.reset({ signal }) }, signal), signal), (a) => a.reached);
  }

  /** Listening mode, in place: request 70, else the 28800-baud trick (gone in Device OS 6). */
  async enterListening(from: BoardPresence, signal?: AbortSignal): Promise<Arrival> {
    const how = await this.#ask(from, { usb: (c) => c.enterListeningMode(signal), serial: () => listeningByBaud(this.#reach.serial, { signal }) }, signal);
    return this.#arrival('listening', how, signal);
  }

  /** Out of listening mode, in place, back to the mode it was entered from: request 71, else `x`. */
  async leaveListening(signal?: AbortSignal): Promise<Arrival> {
    const back = await this.#modeOutsideListening(signal);
    const how = await this.#ask('listening', {
      usb: (c) => c.leaveListeningMode(signal),
      serial: async () => {
        await this.#reach.serial.use((port) => leaveListening(port), { signal });
        return true;
      },
    }, signal);
    return this.#arrival(back, how, signal);
  }

  /**
   * Safe mode: request 60 (from DFU mode particle-usb sends the DfuSe
   * command 0xFA), else listening mode and `L`. The board restarts; Device OS
   * then says normal, so the rig keeps that it asked for the boot it sees next.
   */
  enterSafe(from: BoardPresence, signal?: AbortSignal): Promise<Arrival> {
    return this.#reach.usb.startingBoot('mode', async () => {
      const before = this.#reach.usb.boots.current;
      const how = await this.#ask(from, {
        usb: (c) => c.enterSafeMode(signal),
        serial: async () => {
          if (from !== 'listening' && !(await listeningByBaud(this.#reach.serial, { signal }))) return false;
          await this.#reach.serial.use((port) => enterSafeModeKey(port), { signal });
          return true;
        },
      }, signal);
      const back = await this.#reach.usb.waitForBoot(before, { serial: true, withinMs: this.#within(), signal });
      if (!back) return { mode: 'safe', reached: false, how };
      this.#reach.state.cameBackInSafeMode(back.boot);
      return this.#arrival('safe', how, signal);
    }, (a) => a.reached);
  }

  /** Out of safe mode: a reset, which boots the firmware when its modules pass their checks. */
  leaveSafe(signal?: AbortSignal): Promise<Arrival> {
    return this.#reach.usb.startingBoot('mode', async () => this.#arrival('normal', await this.#ask('safe', { usb: (c) => c.reset({ signal }) }, signal), signal), (a) => a.reached);
  }

  /** Whether the board shows `mode` within the time a board takes to re-enumerate. */
  async #arrival(mode: BoardMode, how: Arrival['how'], signal?: AbortSignal): Promise<Arrival> {
    return { mode, how, reached: await this.#reach.usb.waitForPresence(mode, { withinMs: this.#within(), signal }) };
  }

  /**
   * Sends a mode request: over USB, else the serial way (none in DFU mode,
   * which has no serial port), asked once more after a pause if the first
   * try met a port that had just died under it (by then the log capture has
   * the new one). Only asks: the move verifies.
   */
  async #ask(from: BoardPresence, request: ModeRequest, signal?: AbortSignal): Promise<Arrival['how']> {
    try {
      await withUsbControl(this.#reach.bus, this.#reach.id, { mode: from === 'dfu' ? 'dfu' : 'serial', timeoutMs: 3000, signal }, request.usb);
      return 'usb';
    } catch (err) {
      const serial = from === 'dfu' ? undefined : request.serial;
      if (signal?.aborted || !(err instanceof InfraError) || !serial) throw err;
      const again = async (e: unknown): Promise<boolean> => {
        if (!(e instanceof InfraError) || signal?.aborted) return false;
        await sleep(RETRY_PAUSE_MS, signal);
        return serial();
      };
      if (await serial().catch(again).catch(() => false)) return 'serial';
      throw err;
    }
  }

  #within(): number {
    return this.#reach.clock.wallMsWithRigWork(REENUMERATE_BOARD_MS);
  }
}
