// One physical board on a bench, identified by its device ID and reached
// through whatever the bench offers: the USB bus (presence, modes, module
// info, resets, firmware update), dfu-util, its serial port (every byte
// captured; listening-mode commands, YMODEM), the cloud (OTA, events), a
// hub port or the bench control service (power, faults). The same code
// drives a real board and a simulated one.
//
// RigBoard composes parts that each own one concept and are given what they
// need: BoardOnUsb (on-usb.ts: the board's state, looks, waits, boots),
// ModeMachine (modes.ts), AppIdentity (app-identity.ts: modules, running
// app), Flasher (flashing.ts) and Restarts (restarts.ts: reset, power,
// faults). The Board contract is theirs; RigBoard hands each call to the
// part that owns it, and owns only the board's captures and their closing.
import type { BenchBoard } from '../bench/schema.js';
import type { BenchAccess } from '../core/bench-access.js';
import type {
  ArmableTransfer, ArmedFault, ArmedFaultStatus, Board, BoardModule, BoardPresence, BootHistory, CloudFunctions, FaultSpec, FirmwareImage, FlashReport, HealthReading, Pace,
  PowerAction, ResetKind, RunningApp,
} from '../core/board-contract.js';
import type { BenchClock } from '../core/clock.js';
import type { BoardMode, DeviceId, FlashMethod, ResetReason } from '../core/domain.js';
import type { PlatformInfo } from '../core/platform.js';
import type { CloudEventLog, DeviceEventCapture } from '../transport/cloud.js';
import type { UsbBus } from '../transport/usb.js';
import { AppIdentity } from './app-identity.js';
import { cloudFunctionsFor } from './cloud-functions.js';
import { Flasher, type FlashOptions } from './flashing.js';
import { checkHealth, type HealthReach } from './health.js';
import type { SerialLogCapture } from './log-capture.js';
import { ModeMachine } from './modes.js';
import { BoardOnUsb } from './on-usb.js';
import { boardPace } from './pace.js';
import { Restarts, type WaitFor } from './restarts.js';

/** How the rig reaches one board: its bench entry, the bench, the bench's time, the USB bus, its captures. */
export interface BoardReach {
  name: string;
  id: DeviceId;
  platform: PlatformInfo;
  bench: BenchBoard;
  access: BenchAccess;
  clock: BenchClock;
  bus: UsbBus;
  log: SerialLogCapture;
  events: DeviceEventCapture | undefined;
  /** When the captures started (default: now): the rig knows nothing of the board from before. */
  openedAt?: number;
}

export class RigBoard implements Board {
  readonly name: string;
  readonly id: DeviceId;
  readonly platform: PlatformInfo;
  readonly log: SerialLogCapture;
  readonly events: CloudEventLog | undefined;
  readonly functions: CloudFunctions | undefined;
  readonly boots: BootHistory;
  readonly #usb: BoardOnUsb;
  readonly #modes: ModeMachine;
  readonly #app: AppIdentity;
  readonly #flasher: Flasher;
  readonly #restarts: Restarts;
  readonly #eventCapture: DeviceEventCapture | undefined;
  readonly #bus: UsbBus;
  readonly #health: HealthReach;
  #closed: Promise<void> | undefined;

  constructor(reach: BoardReach) {
    const { name, id, platform, bench, access, clock, bus, log } = reach;
    const events = reach.events?.log;
    this.name = name;
    this.id = id;
    this.platform = platform;
    this.log = log;
    this.events = events;
    this.functions = cloudFunctionsFor(access, clock, id);
    this.#bus = bus;
    this.#eventCapture = reach.events;
    // The log capture owns the serial port and lends it (mode fallbacks, `s`, YMODEM).
    const serial = log;
    const usb = new BoardOnUsb({ id, bus, log, events, openedAt: reach.openedAt });
    const modes = new ModeMachine({ name, id, bus, clock, serial, usb, state: usb.state });
    this.#usb = usb;
    this.#modes = modes;
    this.#app = new AppIdentity({ name, clock, serial, events, usb, modes, state: usb.state });
    this.#flasher = new Flasher({ name, id, platform, access, bus, clock, serial, events, usb, modes });
    this.#restarts = new Restarts({ name, id, bench, access, bus, clock, events, usb });
    this.boots = usb.boots;
    this.#health = { id, usb, modes, log, cloud: access.cloud, pollMs: clock.pollMs() };
  }

  // The Board contract: each call is the owning part's.
  presence(signal?: AbortSignal): Promise<BoardPresence> { return this.#usb.presence(signal); }
  pace(): Pace { return boardPace(this.#bus, this.events); }
  waitForPresence(want: BoardPresence, o: { withinMs: number; signal?: AbortSignal }): Promise<boolean> { return this.#usb.waitForPresence(want, o); }
  enterMode(mode: BoardMode, signal?: AbortSignal): Promise<void> { return this.#modes.enterMode(mode, signal); }
  modules(signal?: AbortSignal): Promise<BoardModule[]> { return this.#app.modules(signal); }
  runningApp(signal?: AbortSignal, o?: { cloudWaitMs?: number }): Promise<RunningApp> { return this.#app.runningApp(signal, o); }
  flash(fw: FirmwareImage, via: FlashMethod, o?: FlashOptions): Promise<FlashReport> { return this.#flasher.flash(fw, via, o); }
  reset(kind: ResetKind, signal?: AbortSignal, o?: WaitFor): Promise<void> { return this.#restarts.reset(kind, signal, o); }
  power(action: PowerAction, signal?: AbortSignal, o?: WaitFor): Promise<void> { return this.#restarts.power(action, signal, o); }
  fault(f: FaultSpec | ArmedFault, signal?: AbortSignal, o?: WaitFor): Promise<void> { return this.#restarts.fault(f, signal, o); }
  armedFaults(signal?: AbortSignal): Promise<ArmedFaultStatus[]> { return this.#restarts.armedFaults(signal); }
  disarm(transfer: ArmableTransfer, signal?: AbortSignal): Promise<ArmedFaultStatus[]> { return this.#restarts.disarm(transfer, signal); }
  restore(signal?: AbortSignal, o?: WaitFor): Promise<string[]> { return this.#restarts.restore(signal, o); }
  lastResetReason(): ResetReason | undefined { return this.#restarts.lastResetReason(); }
  health(o: { withinMs: number; signal?: AbortSignal }): Promise<HealthReading> { return checkHealth(this.#health, o); }

  /** Stops the event stream and the log capture (trace.log and events.ndjson stay complete), and lets go of its USB device. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#eventCapture?.stop();
      await Promise.all([this.log.close(), this.#bus.closeBoard(this.id)]);
    })();
    return this.#closed;
  }
}
