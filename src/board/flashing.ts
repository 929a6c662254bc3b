// Flashing a board every way a product ships: DFU (dfu-util), serial
// (YMODEM in listening mode), USB (the firmware update control requests) and
// OTA (the cloud). Each checks the image against the board first. A wired
// flash restarts the board to apply the image, so it is a boot the rig
// started (`flash`), and the flash ends when the board runs again; an OTA
// flash ends when the cloud took the update (the board restarts later, of
// its own accord as the rig sees it). Given the board's looks and waits
// (BoardOnUsb), its mode machine (each way needs a mode first) and the
// transports each way uses.
import type { BenchAccess } from '../core/bench-access.js';
import type { BoardPresence, FirmwareImage, FlashProgress, FlashReport } from '../core/board-contract.js';
import { sleep, type BenchClock } from '../core/clock.js';
import type { DeviceId, FlashMethod } from '../core/domain.js';
import { FlashRejectedError, InfraError, UnsupportedError } from '../core/errors.js';
import type { PlatformInfo } from '../core/platform.js';
import { checkModuleForBoard, moduleProblemsError } from '../firmware/index.js';
import { deviceConnected, flashOverCloud, type CloudEventLog } from '../transport/cloud.js';
import { flashDfu } from '../transport/dfu.js';
import { flashOverSerial, type SerialLine } from '../transport/serial.js';
import { usbUpdateFirmware, withUsbControl, type UsbBus } from '../transport/usb.js';
import type { ModeMachine } from './modes.js';
import type { BoardOnUsb } from './on-usb.js';
import { CLOUD_ONLINE_BOARD_MS, FLASH_RETURN_BOARD_MS } from './timing.js';

const ONLINE = { name: 'spark/status', data: /^online/ } as const;
/** Between two looks at whether the cloud sees the board, when nothing wakes the rig sooner. */
const ONLINE_RECHECK_MS = 100;

export interface FlashOptions {
  signal?: AbortSignal;
  onProgress?: (p: FlashProgress) => void;
}

/** What the Flasher is given. */
export interface FlasherReach {
  /** The board's name, for messages. */
  name: string;
  id: DeviceId;
  platform: PlatformInfo;
  /** The bench: dfu-util's USB access, the cloud for OTA. */
  access: BenchAccess;
  bus: UsbBus;
  clock: BenchClock;
  /** The board's serial port, lent by its log capture: YMODEM. */
  serial: SerialLine;
  /** The board's cloud events (spark/status online before an OTA); undefined without a cloud. */
  events: CloudEventLog | undefined;
  usb: BoardOnUsb;
  modes: ModeMachine;
}

export class Flasher {
  readonly #reach: FlasherReach;

  constructor(reach: FlasherReach) {
    this.#reach = reach;
  }

  /**
   * Checks the image against the board first. DFU, serial and USB flashes
   * wait for the board to come back (normal or safe mode): a new boot. OTA
   * ends when the cloud took the update; the board restarts when it applies
   * it, which the rig sees as a boot of its own accord.
   */
  async flash(fw: FirmwareImage, via: FlashMethod, o: FlashOptions = {}): Promise<FlashReport> {
    const problem = moduleProblemsError(fw.source, checkModuleForBoard(fw.info, this.#reach.platform, 'any'));
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
    // enterMode ends with a look that saw the board in DFU mode: the boot the flash starts from.
    await this.#reach.modes.enterMode('dfu', o.signal);
    return this.#flashAndComeBack(() =>
      flashDfu(this.#reach.access, { deviceId: this.#reach.id, platform: this.#reach.platform }, fw, { signal: o.signal, onProgress: o.onProgress, timeoutMs: this.#reach.clock.wallMsWithRigWork(300_000, 60_000) }),
      o.signal,
    );
  }

  async #viaSerial(fw: FirmwareImage, o: FlashOptions): Promise<FlashReport> {
    // USB asks for listening mode where it can (Device OS 6 ignores the 28800-baud trick).
    await this.#reach.modes.enterMode('listening', o.signal);
    await this.#reach.usb.look(o.signal);
    try {
      return await this.#flashAndComeBack(() => flashOverSerial(this.#reach.serial, fw.image, { signal: o.signal, onProgress: o.onProgress }), o.signal);
    } catch (err) {
      // The board stays in listening mode after a refusal: give it back its app.
      if (err instanceof FlashRejectedError) await this.#reach.modes.enterMode('normal', o.signal).catch(() => undefined);
      throw err;
    }
  }

  async #viaUsb(fw: FirmwareImage, o: FlashOptions): Promise<FlashReport> {
    if ((await this.#reach.usb.presence(o.signal)) === 'dfu') await this.#reach.modes.enterMode('normal', o.signal);
    await this.#reach.usb.look(o.signal);
    return this.#flashAndComeBack(async () => {
      const started = Date.now();
      const messages = await withUsbControl(this.#reach.bus, this.#reach.id, { mode: 'serial', timeoutMs: 3000, signal: o.signal }, (c) =>
        usbUpdateFirmware(c, fw.image, { timeoutMs: this.#reach.clock.wallMsWithRigWork(300_000, 60_000), signal: o.signal, onProgress: o.onProgress }),
      );
      return { method: 'usb', durationMs: Date.now() - started, messages };
    }, o.signal);
  }

  async #viaOta(fw: FirmwareImage, o: FlashOptions): Promise<FlashReport> {
    const cloud = this.#reach.access.cloud;
    if (!cloud) throw new UnsupportedError(`OTA needs a cloud, and bench ${this.#reach.access.name} names none`);
    const started = Date.now();
    // A board that just booted is not online yet: give the cloud the time a board takes to connect,
    // asking again when the board's spark/status online arrives (or after a pause, without events).
    const deadline = started + this.#reach.clock.wallMsWithRigWork(CLOUD_ONLINE_BOARD_MS, 2000);
    for (;;) {
      const from = this.#reach.events?.events().length ?? 0;
      if ((await deviceConnected(cloud, this.#reach.id)) || Date.now() >= deadline) break;
      if (this.#reach.events) await this.#reach.events.waitFor(ONLINE.name, { data: ONLINE.data, fromSeq: from, withinMs: ONLINE_RECHECK_MS, signal: o.signal });
      else await sleep(ONLINE_RECHECK_MS, o.signal);
    }
    const reply = await flashOverCloud(cloud, this.#reach.id, fw, { signal: o.signal });
    return { method: 'ota', durationMs: Date.now() - started, messages: [`cloud: HTTP ${reply.statusCode}: ${reply.status}`] };
  }

  /**
   * Sends an image that makes the board restart to apply it, then waits for
   * that boot and for it to run (normal or safe mode). A board left in DFU
   * mode found nothing valid to boot: the firmware's failure. A board that
   * never comes back is the rig's.
   */
  async #flashAndComeBack(send: () => Promise<FlashReport>, signal?: AbortSignal): Promise<FlashReport> {
    const usb = this.#reach.usb;
    const before = usb.boots.current;
    const within = this.#reach.clock.wallMsWithRigWork(FLASH_RETURN_BOARD_MS);
    const { report, restarted, now } = await usb.startingBoot('flash', async () => {
      const report = await send();
      const deadline = Date.now() + within;
      let seen = await usb.waitForBoot(before, { withinMs: within, signal });
      if (!seen) return { report, restarted: false, now: 'absent' as BoardPresence };
      const nextLook = usb.paceLooks();
      for (;;) {
        // The first read starts from the look that saw the boot.
        const now = await usb.read(signal, seen).then((r) => r.mode, (err: unknown) => {
          if (signal?.aborted) throw err;
          return 'absent' as const;
        });
        seen = undefined;
        if (now === 'normal' || now === 'safe' || Date.now() >= deadline) return { report, restarted: true, now };
        await nextLook(signal);
      }
    }, (r) => r.restarted);
    if (now === 'normal' || now === 'safe') return { ...report, messages: [...report.messages, `board back in ${now} mode`] };
    if (now === 'dfu') {
      throw new FlashRejectedError(`${this.#reach.name} stayed in DFU mode after the ${report.method} flash: the bootloader found no valid firmware to run`, report.method, [...report.messages, 'board stayed in DFU mode']);
    }
    const seen = restarted ? `is ${now === 'absent' ? 'not on USB' : `in ${now} mode`}` : 'did not reset';
    throw new InfraError(`${this.#reach.name} ${seen} ${within} ms after the ${report.method} flash`, 'check the board and its USB cable');
  }
}
