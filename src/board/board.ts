// One physical board on a bench, identified by its device ID and reached
// through whatever the bench offers: the USB bus (presence, modes, module
// info, resets, firmware update), dfu-util, its serial port (every byte
// captured; listening-mode commands, YMODEM), the cloud (OTA, events), a
// hub port or the bench control service (power, faults). The same code
// drives a real board and a simulated one.
//
// The Board is built in layers, one concept each, so that every method is
// written once where its concept is: on-usb.ts (presence, looks, boots),
// modes.ts (the mode state machine), app-identity.ts (modules, running app),
// and here what the rig does to a board: flash, reset, power, faults. Each
// of those that restarts the board starts a boot.
import type { FlashMethod, ResetReason } from '../core/domain.js';
import { FlashRejectedError, InfraError, UnsupportedError } from '../core/errors.js';
import { sleep } from '../core/clock.js';
import type {
  ArmedFault, Board, BoardPresence, BootCause, CloudFunctions, FaultSpec, FirmwareImage, FlashProgress, FlashReport, PowerAction, ResetKind,
} from '../core/board-contract.js';
import { checkModuleForBoard, moduleProblemsError } from '../firmware/index.js';
import { benchControl, requireBenchControl } from '../transport/bench-control.js';
import { deviceConnected, flashOverCloud } from '../transport/cloud.js';
import { flashDfu } from '../transport/dfu.js';
import { switchPower } from '../transport/power.js';
import { flashOverSerial } from '../transport/serial.js';
import { usbUpdateFirmware, withUsbControl } from '../transport/usb.js';
import { IdentifiedBoard } from './app-identity.js';
import { cloudFunctionsFor } from './cloud-functions.js';
import type { BoardReach } from './on-usb.js';
import { CLOUD_ONLINE_BOARD_MS, FLASH_RETURN_BOARD_MS, REENUMERATE_BOARD_MS } from './timing.js';

const RESET_EVENT = 'spark/device/last_reset';
const ONLINE = { name: 'spark/status', data: /^online/ } as const;
/** Between two looks at whether the cloud sees the board, when nothing wakes the rig sooner. */
const ONLINE_RECHECK_MS = 100;
/** Faults that restart the board, and what the boot after them is named for. */
const FAULT_BOOTS: Partial<Record<FaultSpec['kind'], BootCause>> = { 'power-cut': 'power', reset: 'reset' };

export interface FlashOptions {
  signal?: AbortSignal;
  onProgress?: (p: FlashProgress) => void;
}

export class RigBoard extends IdentifiedBoard implements Board {
  readonly functions: CloudFunctions | undefined;
  #closed: Promise<void> | undefined;

  constructor(reach: BoardReach) {
    super(reach);
    this.functions = cloudFunctionsFor(reach.access, reach.clock, reach.id);
  }

  /**
   * Checks the image against the board first. DFU, serial and USB flashes
   * wait for the board to come back (normal or safe mode): a new boot. OTA
   * ends when the cloud took the update; the board restarts when it applies
   * it, which the rig sees as a boot of its own accord.
   */
  async flash(fw: FirmwareImage, via: FlashMethod, o: FlashOptions = {}): Promise<FlashReport> {
    const problem = moduleProblemsError(fw.source, checkModuleForBoard(fw.info, this.platform, 'any'));
    if (problem) throw problem;
    switch (via) {
      case 'dfu': return this.#viaDfu(fw, o);
      case 'serial': return this.#viaSerial(fw, o);
      case 'usb': return this.#viaUsb(fw, o);
      case 'ota': return this.#viaOta(fw, o);
      default: throw new InfraError(`unknown flash method ${String(via)}`);
    }
  }

  async #viaDfu(fw: FirmwareImage, o: FlashOptions): Promise<FlashReport> {
    await this.enterMode('dfu', o.signal);
    await this.look(o.signal);
    return this.#flashAndComeBack(() =>
      flashDfu(this.access, { deviceId: this.id, platform: this.platform }, fw, { signal: o.signal, onProgress: o.onProgress, timeoutMs: this.clock.wallMsWithRigWork(300_000, 60_000) }),
      o.signal,
    );
  }

  async #viaSerial(fw: FirmwareImage, o: FlashOptions): Promise<FlashReport> {
    // USB asks for listening mode where it can (Device OS 6 ignores the 28800-baud trick).
    await this.enterMode('listening', o.signal);
    await this.look(o.signal);
    try {
      return await this.#flashAndComeBack(() => flashOverSerial(this.log, fw.image, { signal: o.signal, onProgress: o.onProgress }), o.signal);
    } catch (err) {
      // The board stays in listening mode after a refusal: give it back its app.
      if (err instanceof FlashRejectedError) await this.enterMode('normal', o.signal).catch(() => undefined);
      throw err;
    }
  }

  async #viaUsb(fw: FirmwareImage, o: FlashOptions): Promise<FlashReport> {
    if ((await this.presence(o.signal)) === 'dfu') await this.enterMode('normal', o.signal);
    await this.look(o.signal);
    return this.#flashAndComeBack(async () => {
      const started = Date.now();
      const messages = await withUsbControl(this.bus, this.id, { mode: 'serial', timeoutMs: 3000, signal: o.signal }, (c) =>
        usbUpdateFirmware(c, fw.image, { timeoutMs: this.clock.wallMsWithRigWork(300_000, 60_000), signal: o.signal, onProgress: o.onProgress }),
      );
      return { method: 'usb', durationMs: Date.now() - started, messages };
    }, o.signal);
  }

  async #viaOta(fw: FirmwareImage, o: FlashOptions): Promise<FlashReport> {
    const cloud = this.access.cloud;
    if (!cloud) throw new UnsupportedError(`OTA needs a cloud, and bench ${this.access.name} names none`);
    const started = Date.now();
    // A board that just booted is not online yet: give the cloud the time a board takes to connect,
    // asking again when the board's spark/status online arrives (or after a pause, without events).
    const deadline = started + this.clock.wallMsWithRigWork(CLOUD_ONLINE_BOARD_MS, 2000);
    for (;;) {
      const from = this.events?.events().length ?? 0;
      if ((await deviceConnected(cloud, this.id)) || Date.now() >= deadline) break;
      if (this.events) await this.events.waitFor(ONLINE.name, { data: ONLINE.data, fromSeq: from, withinMs: ONLINE_RECHECK_MS, signal: o.signal });
      else await sleep(ONLINE_RECHECK_MS, o.signal);
    }
    const reply = await flashOverCloud(cloud, this.id, fw, { signal: o.signal });
    return { method: 'ota', durationMs: Date.now() - started, messages: [`cloud: HTTP ${reply.statusCode}: ${reply.status}`] };
  }

  /**
   * Sends an image that makes the board restart to apply it, then waits for
   * that boot and for it to run (normal or safe mode). A board left in DFU
   * mode found nothing valid to boot: the firmware's failure. A board that
   * never comes back is the rig's.
   */
  async #flashAndComeBack(send: () => Promise<FlashReport>, signal?: AbortSignal): Promise<FlashReport> {
    const before = this.boots.current;
    const within = this.clock.wallMsWithRigWork(FLASH_RETURN_BOARD_MS);
    const { report, restarted, now } = await this.startingBoot('flash', async () => {
      const report = await send();
      const deadline = Date.now() + within;
      if (!(await this.waitForBoot(before, { withinMs: within, signal }))) return { report, restarted: false, now: 'absent' as BoardPresence };
      const nextLook = this.paceLooks();
      for (;;) {
        const now = await this.presence(signal).catch((err: unknown) => {
          if (signal?.aborted) throw err;
          return 'absent' as const;
        });
        if (now === 'normal' || now === 'safe' || Date.now() >= deadline) return { report, restarted: true, now };
        await nextLook(signal);
      }
    }, (r) => r.restarted);
    if (now === 'normal' || now === 'safe') return { ...report, messages: [...report.messages, `board back in ${now} mode`] };
    if (now === 'dfu') {
      throw new FlashRejectedError(`${this.name} stayed in DFU mode after the ${report.method} flash: the bootloader found no valid firmware to run`, report.method, [...report.messages, 'board stayed in DFU mode']);
    }
    const seen = restarted ? `is ${now === 'absent' ? 'not on USB' : `in ${now} mode`}` : 'did not reset';
    throw new InfraError(`${this.name} ${seen} ${within} ms after the ${report.method} flash`, 'check the board and its USB cable');
  }

  /**
   * Soft: the RESET control request. Pin: the forced reset (bRequest 0x50),
   * or the bench's reset line when USB control cannot be had. Power: a cycle.
   * Done when the board is back on USB: a new boot.
   */
  async reset(kind: ResetKind, signal?: AbortSignal): Promise<void> {
    const on = await this.look(signal);
    const before = this.boots.current;
    if (kind !== 'power' && !on) throw new InfraError(`${this.name} is not on USB: cannot send it a ${kind} reset`, 'is it plugged in and powered?');
    const within = this.clock.wallMsWithRigWork(REENUMERATE_BOARD_MS);
    const back = await this.startingBoot(kind === 'power' ? 'power' : 'reset', async () => {
      if (kind === 'power') await this.#switchPower('cycle', signal);
      else await this.#resetByUsb(kind, signal);
      return this.waitForBoot(before, { withinMs: within, signal });
    }, (look) => look !== undefined);
    if (!back) throw new InfraError(`${this.name} was not back on USB ${within} ms after a ${kind} reset`, 'check the board and its USB cable');
  }

  async #resetByUsb(kind: 'soft' | 'pin', signal?: AbortSignal): Promise<void> {
    try {
      await withUsbControl(this.bus, this.id, { timeoutMs: 3000, signal }, (c) => c.reset({ force: kind === 'pin', signal }));
    } catch (err) {
      // A pin reset is what a bench's reset line does: use it when USB control cannot be had.
      if (kind !== 'pin' || signal?.aborted || !(err instanceof InfraError) || !this.access.control) throw err;
      await requireBenchControl(this.access.control, `reset of ${this.name}`).fault(this.id, { kind: 'reset' }, signal);
    }
  }

  /**
   * A uhubctl port when the bench names one, else the bench control service,
   * else the bench cannot (UnsupportedError). Returns once switched; the boot
   * it starts (on, cycle) is the next one the rig sees.
   */
  power(action: PowerAction, signal?: AbortSignal): Promise<void> {
    return this.startingBoot('power', () => this.#switchPower(action, signal));
  }

  async #switchPower(action: PowerAction, signal?: AbortSignal): Promise<void> {
    if (this.bench.power?.uhubctl) {
      await switchPower(this.access, this.bench, action, { signal });
      return;
    }
    if (!this.access.control) {
      throw new UnsupportedError(`power ${action} of ${this.name}: the bench names no uhubctl port for it and has no bench control service`);
    }
    await benchControl(this.access.control.api).power(this.id, action, signal);
  }

  /** The last reset reason the cloud reported, if any. */
  lastResetReason(): ResetReason | undefined {
    const e = this.events?.latest(RESET_EVENT);
    return e && e.name === RESET_EVENT ? (e.data.trim() as ResetReason) : undefined;
  }

  /** Imposes a fault now, or arms it for a moment of the next transfer. A power cut or reset now restarts the board. */
  async fault(f: FaultSpec | ArmedFault, signal?: AbortSignal): Promise<void> {
    const control = requireBenchControl(this.access.control, `a ${'at' in f ? f.fault.kind : f.kind} fault on ${this.name}`);
    const why = 'at' in f ? undefined : FAULT_BOOTS[f.kind];
    if (why) await this.startingBoot(why, () => control.fault(this.id, f, signal));
    else await control.fault(this.id, f, signal);
  }

  /** Stops the event stream and the log capture (trace.log and events.ndjson stay complete), and lets go of its USB device. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.cloudEvents?.stop();
      await Promise.all([this.log.close(), this.bus.closeBoard(this.id)]);
    })();
    return this.#closed;
  }
}
