// What the rig does to a board from outside its firmware: resets (the USB
// reset request, or the bench's reset line), power (a uhubctl port or the
// bench control service) and the faults the bench control service imposes,
// a power cut and a reset among them. Each of those that restarts the board
// starts a boot, named for it. Also the reason of the last reset, as the
// cloud reported it. Given the board's looks and waits (BoardOnUsb) and the
// transports that reach its reset and power.
import type { BenchBoard } from '../bench/schema.js';
import type { BenchAccess } from '../core/bench-access.js';
import type { ArmedFault, BootCause, FaultSpec, PowerAction, ResetKind } from '../core/board-contract.js';
import type { BenchClock } from '../core/clock.js';
import type { DeviceId, ResetReason } from '../core/domain.js';
import { InfraError, UnsupportedError } from '../core/errors.js';
import { benchControl, requireBenchControl } from '../transport/bench-control.js';
import type { CloudEventLog } from '../transport/cloud.js';
import { switchPower } from '../transport/power.js';
import { withUsbControl, type UsbBus } from '../transport/usb.js';
import type { BoardOnUsb } from './on-usb.js';
import { REENUMERATE_BOARD_MS } from './timing.js';

const RESET_EVENT = 'spark/device/last_reset';
/** Faults now that take the board off USB, and what the boot after them is named for (the next one the rig sees). */
const TAKES_AWAY: Partial<Record<FaultSpec['kind'], BootCause>> = { 'power-cut': 'power', 'usb-unplug': 'replug' };
/** Faults now that bring the board back (from off USB, or through a restart), and what that boot is named for. */
const BRINGS_BACK: Partial<Record<FaultSpec['kind'], BootCause>> = { 'usb-replug': 'replug', reset: 'reset' };

/** What Restarts is given. */
export interface RestartsReach {
  /** The board's name, for messages. */
  name: string;
  id: DeviceId;
  /** Its bench entry: the uhubctl port, if any. */
  bench: BenchBoard;
  /** The bench: uhubctl, the bench control service. */
  access: BenchAccess;
  bus: UsbBus;
  clock: BenchClock;
  /** The board's cloud events (spark/device/last_reset); undefined without a cloud. */
  events: CloudEventLog | undefined;
  usb: BoardOnUsb;
}

export class Restarts {
  readonly #reach: RestartsReach;

  constructor(reach: RestartsReach) {
    this.#reach = reach;
  }

  /**
   * Soft: the RESET control request. Pin: the forced reset (bRequest 0x50),
   * or the bench's reset line when USB control cannot be had. Power: a cycle.
   * Done when the board is back on USB: a new boot.
   */
  async reset(kind: ResetKind, signal?: AbortSignal): Promise<void> {
    const usb = this.#reach.usb;
    const on = await usb.look(signal);
    const before = usb.boots.current;
    if (kind !== 'power' && !on) throw new InfraError(`${this.#reach.name} is not on USB: cannot send it a ${kind} reset`, 'is it plugged in and powered?');
    const within = this.#reach.clock.wallMsWithRigWork(REENUMERATE_BOARD_MS);
    const back = await usb.startingBoot(kind === 'power' ? 'power' : 'reset', async () => {
      if (kind === 'power') await this.#switchPower('cycle', signal);
      else await this.#resetByUsb(kind, signal);
      return usb.waitForBoot(before, { withinMs: within, signal });
    }, (look) => look !== undefined);
    if (!back) throw new InfraError(`${this.#reach.name} was not back on USB ${within} ms after a ${kind} reset`, 'check the board and its USB cable');
  }

  async #resetByUsb(kind: 'soft' | 'pin', signal?: AbortSignal): Promise<void> {
    try {
      await withUsbControl(this.#reach.bus, this.#reach.id, { timeoutMs: 3000, signal }, (c) => c.reset({ force: kind === 'pin', signal }));
    } catch (err) {
      // A pin reset is what a bench's reset line does: use it when USB control cannot be had.
      if (kind !== 'pin' || signal?.aborted || !(err instanceof InfraError) || !this.#reach.access.control) throw err;
      await requireBenchControl(this.#reach.access.control, `reset of ${this.#reach.name}`).fault(this.#reach.id, { kind: 'reset' }, signal);
    }
  }

  /**
   * A uhubctl port when the bench names one, else the bench control service,
   * else the bench cannot (UnsupportedError). Off: returns once the board is
   * off USB. On (from off) and cycle: returns once it is back on USB, in a new
   * boot dated from the switch, so nothing it said before counts for that boot;
   * a board not back in time is InfraError. On for a board already on USB
   * starts nothing.
   */
  async power(action: PowerAction, signal?: AbortSignal): Promise<void> {
    const usb = this.#reach.usb;
    const on = await usb.look(signal);
    const before = usb.boots.current;
    const within = this.#reach.clock.wallMsWithRigWork(REENUMERATE_BOARD_MS);
    if (action === 'on' && on) {
      await this.#switchPower('on', signal);
      return;
    }
    if (action === 'off') {
      // Taken away: whatever boot comes next is dated from this switch.
      const gone = await usb.startingBoot('power', async () => {
        await this.#switchPower('off', signal);
        return !on || (await usb.waitForPresence('absent', { withinMs: within, signal }));
      }, (off) => off);
      if (!gone) throw new InfraError(`${this.#reach.name} was still on USB ${within} ms after power off`, 'check that the hub port really switches its power');
      return;
    }
    const back = await usb.startingBoot('power', async () => {
      await this.#switchPower(action, signal);
      return usb.waitForBoot(before, { withinMs: within, signal });
    });
    if (!back) throw new InfraError(`${this.#reach.name} was not back on USB ${within} ms after power ${action}`, 'check its power supply and USB cable');
  }

  async #switchPower(action: PowerAction, signal?: AbortSignal): Promise<void> {
    if (this.#reach.bench.power?.uhubctl) {
      await switchPower(this.#reach.access, this.#reach.bench, action, { signal });
      return;
    }
    if (!this.#reach.access.control) {
      throw new UnsupportedError(`power ${action} of ${this.#reach.name}: the bench names no uhubctl port for it and has no bench control service`);
    }
    await benchControl(this.#reach.access.control.api).power(this.#reach.id, action, signal);
  }

  /** The last reset reason the cloud reported, if any. */
  lastResetReason(): ResetReason | undefined {
    const e = this.#reach.events?.latest(RESET_EVENT);
    return e && e.name === RESET_EVENT ? (e.data.trim() as ResetReason) : undefined;
  }

  /**
   * Imposes a fault now, or arms it for a moment of the next transfer (when
   * it fires is the board's to tell: absent from USB, a new enumeration).
   * A fault now that takes the board away (power-cut, usb-unplug) returns once
   * it is off USB, and the next boot is dated from it: nothing the board said
   * before counts for any later boot. One that brings it back (usb-replug, a
   * reset of a board on USB) returns once it is back, in a new boot; a board
   * that does not come back in time is InfraError.
   */
  async fault(f: FaultSpec | ArmedFault, signal?: AbortSignal): Promise<void> {
    const control = requireBenchControl(this.#reach.access.control, `a ${'at' in f ? f.fault.kind : f.kind} fault on ${this.#reach.name}`);
    const impose = (): Promise<void> => control.fault(this.#reach.id, f, signal);
    if ('at' in f) return impose();
    const usb = this.#reach.usb;
    const within = this.#reach.clock.wallMsWithRigWork(REENUMERATE_BOARD_MS);
    const taking = TAKES_AWAY[f.kind];
    const bringing = BRINGS_BACK[f.kind];
    if (taking) {
      const gone = await usb.startingBoot(taking, async () => {
        await impose();
        return usb.waitForPresence('absent', { withinMs: within, signal });
      }, (off) => off);
      if (!gone) throw new InfraError(`${this.#reach.name} was still on USB ${within} ms after a ${f.kind}`, 'check the bench control service');
      return;
    }
    if (!bringing) return impose();
    const on = await usb.look(signal);
    const before = usb.boots.current;
    // A cable already in, or a reset of a board that is off: nothing comes back, nothing to wait for.
    if ((f.kind === 'usb-replug') === (on !== undefined)) return impose();
    const back = await usb.startingBoot(bringing, async () => {
      await impose();
      return usb.waitForBoot(before, { withinMs: within, signal });
    });
    if (!back) throw new InfraError(`${this.#reach.name} was not back on USB ${within} ms after a ${f.kind}`, f.kind === 'usb-replug' ? 'is it powered? A board with its own power that was cut needs power: on' : 'check the board and its USB cable');
  }
}
