// One physical board on a bench, identified by its device ID and reached
// through whatever the bench offers: the USB bus (presence, modes, module
// info, resets, firmware update), dfu-util, its serial port (every byte
// captured; listening-mode commands, YMODEM), the cloud (OTA, events), a
// hub port or the bench control service (power, faults). The same code
// drives a real board and a simulated one.
import type { BoardMode, DeviceId, FlashMethod, ResetReason } from '../core/domain.js';
import type { PlatformInfo } from '../core/platform.js';
import { requireBenchControl } from '../transport/bench-control.js';
import { readModules, readRunningApp } from './app-identity.js';
import { flashBoard } from './board-flash.js';
import { powerBoard, resetBoard } from './board-reset.js';
import { cloudFunctionsFor } from './cloud-functions.js';
import { enterMode } from './enter-mode.js';
import type { BoardParts } from './parts.js';
import { readPresence, waitForPresence } from './presence.js';
import type { ArmedFault, Board, BoardModule, CloudFunctions, BoardPresence, EventCapture, FaultSpec, FirmwareImage, FlashProgress, FlashReport, LogCapture, PowerAction, ResetKind, RunningApp } from '../core/board-contract.js';

const RESET_EVENT = 'spark/device/last_reset';

export class RigBoard implements Board {
  readonly name: string;
  readonly id: DeviceId;
  readonly platform: PlatformInfo;
  #closed: Promise<void> | undefined;
  readonly #functions: CloudFunctions | undefined;

  constructor(private readonly parts: BoardParts) {
    this.name = parts.name;
    this.id = parts.id;
    this.platform = parts.platform;
    this.#functions = cloudFunctionsFor(parts.access, parts.clock, parts.id);
  }

  get log(): LogCapture {
    return this.parts.log;
  }

  get events(): EventCapture | undefined {
    return this.parts.events?.log;
  }

  get functions(): CloudFunctions | undefined {
    return this.#functions;
  }

  presence(signal?: AbortSignal): Promise<BoardPresence> {
    return readPresence(this.parts, signal);
  }

  waitForPresence(want: BoardPresence, o: { withinMs: number; signal?: AbortSignal }): Promise<boolean> {
    return waitForPresence(this.parts, want, o);
  }

  enterMode(mode: BoardMode, signal?: AbortSignal): Promise<void> {
    return enterMode(this.parts, mode, signal);
  }

  reset(kind: ResetKind, signal?: AbortSignal): Promise<void> {
    return resetBoard(this.parts, kind, signal);
  }

  power(action: PowerAction, signal?: AbortSignal): Promise<void> {
    return powerBoard(this.parts, action, signal);
  }

  flash(fw: FirmwareImage, via: FlashMethod, o?: { signal?: AbortSignal; onProgress?: (p: FlashProgress) => void }): Promise<FlashReport> {
    return flashBoard(this.parts, fw, via, o);
  }

  modules(signal?: AbortSignal): Promise<BoardModule[]> {
    return readModules(this.parts, signal);
  }

  runningApp(signal?: AbortSignal, o?: { cloudWaitMs?: number }): Promise<RunningApp> {
    return readRunningApp(this.parts, signal, o);
  }

  lastResetReason(): ResetReason | undefined {
    const e = this.parts.events?.log.latest(RESET_EVENT);
    return e && e.name === RESET_EVENT ? (e.data.trim() as ResetReason) : undefined;
  }

  async fault(f: FaultSpec | ArmedFault, signal?: AbortSignal): Promise<void> {
    const kind = 'at' in f ? f.fault.kind : f.kind;
    await requireBenchControl(this.parts.access.control, `a ${kind} fault on ${this.name}`).fault(this.id, f, signal);
  }

  /** Stops the event stream and the log capture (trace.log and events.ndjson stay complete), and lets go of its USB device. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.parts.events?.stop();
      await Promise.all([this.parts.log.close(), this.parts.bus.closeBoard(this.id)]);
    })();
    return this.#closed;
  }
}
