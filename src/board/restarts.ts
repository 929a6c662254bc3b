// What the rig does to a board from outside its firmware: resets (the USB
// reset request, or the bench's reset line), power (a uhubctl port or the
// bench control service) and the faults the bench control service imposes,
// a power cut and a reset among them. Each of those that restarts the board
// starts a boot, named for it. Also the reason of the last reset, as the
// cloud reported it. Given the board's looks and waits (BoardOnUsb) and the
// transports that reach its reset and power. It remembers what it left
// undone on the bench (power off, the cable out, the link changed, a fault
// armed), so that when a plan ends the bench can be put back (restore).
import type { BenchBoard } from '../bench/schema.js';
import type { BenchAccess } from '../core/bench-access.js';
import { armedFaultWords, reachWords } from '../core/armed-fault.js';
import type { ArmableTransfer, ArmedFault, ArmedFaultStatus, BootCause, FaultSpec, PowerAction, ResetKind } from '../core/board-contract.js';
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

/** How long to wait for the board: wall ms (default: a board's re-enumeration, with the rig's own work). */
export interface WaitFor {
  withinMs?: number;
}

/** What the rig left changed on the bench, to be put back when a plan ends. */
type Disturbance = 'power-off' | 'unplugged' | 'link' | 'armed';

export class Restarts {
  readonly #reach: RestartsReach;
  readonly #disturbed = new Set<Disturbance>();

  constructor(reach: RestartsReach) {
    this.#reach = reach;
  }

  #within(o: WaitFor | undefined): number {
    return o?.withinMs ?? this.#reach.clock.wallMsWithRigWork(REENUMERATE_BOARD_MS);
  }

  /**
   * Soft: the RESET control request. Pin: the forced reset (bRequest 0x50),
   * or the bench's reset line when USB control cannot be had. Power: a cycle.
   * Done when the board is back on USB: a new boot.
   */
  async reset(kind: ResetKind, signal?: AbortSignal, o?: WaitFor): Promise<void> {
    const usb = this.#reach.usb;
    const on = await usb.look(signal);
    const before = usb.boots.current;
    if (kind !== 'power' && !on) throw new InfraError(`${this.#reach.name} is not on USB: cannot send it a ${kind} reset`, 'is it plugged in and powered?');
    const within = this.#within(o);
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
  async power(action: PowerAction, signal?: AbortSignal, o?: WaitFor): Promise<void> {
    const usb = this.#reach.usb;
    const on = await usb.look(signal);
    const before = usb.boots.current;
    const within = this.#within(o);
    if (action === 'on' && on) {
      await this.#switchPower('on', signal);
      this.#disturbed.delete('power-off');
      return;
    }
    if (action === 'off') {
      // Taken away: whatever boot comes next is dated from this switch.
      const gone = await usb.startingBoot('power', async () => {
        await this.#switchPower('off', signal);
        this.#disturbed.add('power-off');
        return !on || (await usb.waitForPresence('absent', { withinMs: within, signal }));
      }, (off) => off);
      if (!gone) throw new InfraError(`${this.#reach.name} was still on USB ${within} ms after power off`, 'check that the hub port really switches its power');
      return;
    }
    const back = await usb.startingBoot('power', async () => {
      await this.#switchPower(action, signal);
      this.#disturbed.delete('power-off');
      return usb.waitForBoot(before, { withinMs: within, signal });
    });
    if (!back) throw new InfraError(`${this.#reach.name} was not back on USB ${within} ms after power ${action}`, this.#disturbed.has('unplugged') ? 'its USB cable was unplugged by a fault: fault: usb-replug brings it back' : 'check its power supply and USB cable');
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

  /** The reset reason the cloud reported for the board's current boot, if any: one from an earlier boot is no word on this one. */
  lastResetReason(): ResetReason | undefined {
    const e = this.#reach.events?.latest(RESET_EVENT);
    const boot = this.#reach.usb.boots.current;
    if (!e || e.name !== RESET_EVENT || (boot && e.at < boot.startedAt)) return undefined;
    return e.data.trim() as ResetReason;
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
  async fault(f: FaultSpec | ArmedFault, signal?: AbortSignal, o?: WaitFor): Promise<void> {
    const control = requireBenchControl(this.#reach.access.control, `a ${'at' in f ? f.fault.kind : f.kind} fault on ${this.#reach.name}`);
    const impose = async (): Promise<void> => {
      await control.fault(this.#reach.id, f, signal);
      this.#noteDisturbance(f);
    };
    if ('at' in f) return impose();
    const usb = this.#reach.usb;
    const within = this.#within(o);
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

  #noteDisturbance(f: FaultSpec | ArmedFault): void {
    if ('at' in f) return void this.#disturbed.add('armed');
    switch (f.kind) {
      case 'power-cut': return void this.#disturbed.add('power-off');
      case 'usb-unplug': return void this.#disturbed.add('unplugged');
      case 'usb-replug': return void this.#disturbed.delete('unplugged');
      case 'link': return void this.#disturbed.add('link');
      case 'link-restore': return void this.#disturbed.delete('link');
      default: return;
    }
  }

  /** The faults armed on the board since the last disarm, as the bench tells them (none on a bench without a control service). */
  async armedFaults(signal?: AbortSignal): Promise<ArmedFaultStatus[]> {
    const control = this.#reach.access.control;
    if (!control || !this.#disturbed.has('armed')) return [];
    return benchControl(control.api).armedFaults(this.#reach.id, signal);
  }

  /** Disarms the faults armed at one transfer (a flash that ended before they fired); returns them as they stood. */
  async disarm(transfer: ArmableTransfer, signal?: AbortSignal): Promise<ArmedFaultStatus[]> {
    const control = this.#reach.access.control;
    if (!control || !this.#disturbed.has('armed')) return [];
    return benchControl(control.api).disarm(this.#reach.id, { transfer, signal });
  }

  /**
   * Puts back what the rig changed on the bench (armed faults disarmed, the
   * link restored, power on, the cable plugged in) and waits for the board on
   * USB, so the next plan starts clean. Returns what it did, in words; an
   * InfraError when the board is not back in time.
   */
  async restore(signal?: AbortSignal, o?: WaitFor): Promise<string[]> {
    const done: string[] = [];
    const { access, id } = this.#reach;
    const control = access.control ? benchControl(access.control.api) : undefined;
    if (this.#disturbed.delete('armed') && control) {
      for (const a of await control.disarm(id, { signal })) {
        if (!a.fired) done.push(`disarmed ${armedFaultWords(a)}: it never fired (${reachWords(a)})`);
        else if (a.fault.kind === 'power-cut') this.#disturbed.add('power-off');
        else if (a.fault.kind === 'usb-unplug') this.#disturbed.add('unplugged');
      }
    }
    if (this.#disturbed.has('link') && control) {
      await control.fault(id, { kind: 'link-restore' }, signal);
      this.#disturbed.delete('link');
      done.push('link restored');
    }
    const usb = this.#reach.usb;
    // A board on USB is powered and plugged in, whatever the plan did to it on the way.
    if (await usb.look(signal)) {
      this.#disturbed.delete('power-off');
      this.#disturbed.delete('unplugged');
      return done;
    }
    const off = this.#disturbed.has('power-off');
    const out = this.#disturbed.has('unplugged');
    const within = this.#within(o);
    if (!off && !out) {
      // Nothing to switch: a board that restarts of itself (a reset fault that fired) is waited for.
      if (!(await usb.waitForBoot(undefined, { withinMs: within, signal }))) throw new InfraError(`${this.#reach.name} was not back on USB within ${within} ms when the plan ended`, 'check the board and its USB cable');
      return done;
    }
    const before = usb.boots.current;
    // Both switched before waiting: a board both off and unplugged comes back only with both.
    const back = await usb.startingBoot(off ? 'power' : 'replug', async () => {
      if (off) await this.#switchPower('on', signal);
      if (out) await requireBenchControl(access.control, `plugging ${this.#reach.name} back in`).fault(id, { kind: 'usb-replug' }, signal);
      this.#disturbed.delete('power-off');
      this.#disturbed.delete('unplugged');
      return usb.waitForBoot(before, { withinMs: within, signal });
    }, (look) => look !== undefined);
    if (off) done.push('power on');
    if (out) done.push('USB plugged back in');
    if (!back) throw new InfraError(`${this.#reach.name} was not back on USB ${within} ms after the bench was restored${done.length ? ` (${done.join(', ')})` : ''}`, 'check the board, its power and its USB cable');
    return done;
  }
}
