// One open particle-usb device, every call with a deadline and its failure
// named for the rig (usbFailure). Mode changes only send the request: the
// board re-enumerates afterwards, and the caller waits for that on the bus.
import type { BoardModule } from '../../core/board-contract.js';
import { parseDeviceId, type DeviceId } from '../../core/domain.js';
import type { PlatformInfo } from '../../core/platform.js';
import type { ParticleUsbDevice } from '../usb-socket/particle-usb.js';
import type { UsbLease } from './bus.js';
import { withDeadline } from '../../core/clock.js';
import { usbFailure } from './failure.js';
import { boardModulesOf } from './modules.js';

/** Default limit for one control request (wall ms). */
export const USB_CALL_MS = 5000;

/**
 * How often particle-usb asks for a request's result (wall ms per attempt).
 * Its default waits 50 ms before the first CHECK, which is most of what a
 * quick request costs; a CHECK is one small control transfer, so asking
 * sooner costs the board nothing. The first CHECK goes out at once (see
 * checkAtOnce): a timer of even 1 ms is a turn of the event loop and more
 * on a busy host, and most requests are answered by then.
 */
export const RESULT_POLL_MS = [0, 2, 5, 10, 20, 50, 100, 250, 500] as const;

function fastPolling(attempt: number): number {
  return RESULT_POLL_MS[Math.min(attempt, RESULT_POLL_MS.length - 1)]!;
}

type ControlRequestSender = (type: number, data?: unknown, options?: Record<string, unknown>) => Promise<unknown>;

/** What particle-usb 3.8's DeviceBase keeps of a request waiting for its result, and where it queues CHECKs. */
interface CheckScheduler {
  _startCheckTimer?: (req: { checkCount: number; checkInterval: unknown }) => void;
  _checkQueue?: unknown[];
  _process?: () => void;
}

/**
 * particle-usb schedules every CHECK on a timer, even one of 0 ms. A request
 * polled by the rig (fastPolling) whose next wait is 0 is queued for its
 * CHECK at once instead; particle-usb sends it as soon as the transfer in
 * flight is done (its own _process, which every transfer's end calls). Left
 * alone when particle-usb's internals are not the ones this was written for.
 */
function checkAtOnce(device: CheckScheduler): void {
  const start = device._startCheckTimer?.bind(device);
  if (!start || !Array.isArray(device._checkQueue) || typeof device._process !== 'function') return;
  device._startCheckTimer = (req) => {
    if (req.checkInterval !== fastPolling || fastPolling(req.checkCount) > 0) return start(req);
    ++req.checkCount;
    device._checkQueue!.push(req);
    queueMicrotask(() => device._process!());
  };
}

export class UsbControl {
  readonly device: ParticleUsbDevice;

  constructor(
    readonly id: DeviceId,
    readonly platform: PlatformInfo,
    private readonly lease: UsbLease,
    private readonly bus: string,
    private readonly callMs = USB_CALL_MS,
  ) {
    const device = (this.device = lease.device);
    // Every particle-usb request goes through sendControlRequest; give it our polling unless a call
    // sets its own. A device kept between jobs is patched once.
    const target = device as unknown as { sendControlRequest?: ControlRequestSender; rigPolling?: true };
    const send = target.sendControlRequest?.bind(device);
    if (!send || target.rigPolling) return;
    target.rigPolling = true;
    target.sendControlRequest = (type, data, options) => send(type, data, { pollingPolicy: fastPolling, ...options });
    checkAtOnce(device as unknown as CheckScheduler);
  }

  get inDfu(): boolean {
    return this.device.isInDfuMode;
  }

  /** Device OS version as read at open; undefined in DFU mode. */
  get systemVersion(): string | undefined {
    return this.device.firmwareVersion ?? undefined;
  }

  /** Runs one particle-usb call with a deadline; any failure becomes the rig's InfraError. */
  async call<T>(what: string, fn: (timeout: number) => Promise<T>, o: { ms?: number; signal?: AbortSignal } = {}): Promise<T> {
    const ms = o.ms ?? this.callMs;
    try {
      return await withDeadline(fn(ms), ms + 1000, `${what} on ${this.id}`, o.signal);
    } catch (err) {
      if (o.signal?.aborted) throw err;
      throw usbFailure(err, what, this.id, this.bus);
    }
  }

  async deviceId(signal?: AbortSignal): Promise<DeviceId | undefined> {
    return parseDeviceId(await this.call('the device ID request', (timeout) => this.device.getDeviceId({ timeout }), { signal }));
  }

  /** 'normal' or 'listening' (Device OS reports safe mode as normal); 'dfu' for a DFU-mode device. */
  async mode(signal?: AbortSignal): Promise<'normal' | 'listening' | 'dfu'> {
    if (this.inDfu) return 'dfu';
    const m = await this.call('the device mode request', (timeout) => this.device.getDeviceMode({ timeout }), { signal });
    return m === 'LISTENING' ? 'listening' : 'normal';
  }

  async modules(signal?: AbortSignal): Promise<BoardModule[]> {
    const list = await this.call('the module info request', (timeout) => this.device.getFirmwareModuleInfo({ timeout }), { signal });
    return boardModulesOf(list, this.platform);
  }

  reset(o: { force?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    return this.call(o.force ? 'the forced reset request' : 'the reset request', (timeout) => this.device.reset({ timeout, force: o.force ?? false }), o);
  }

  enterDfuMode(signal?: AbortSignal): Promise<void> {
    return this.call('the DFU mode request', (timeout) => this.device.enterDfuMode({ timeout, noReconnectWait: true }), { signal });
  }

  enterSafeMode(signal?: AbortSignal): Promise<void> {
    return this.call('the safe mode request', (timeout) => this.device.enterSafeMode({ timeout }), { signal });
  }

  /** particle-usb waits until the board says it is listening. */
  enterListeningMode(signal?: AbortSignal): Promise<void> {
    return this.call('the listening mode request', (timeout) => this.device.enterListeningMode({ timeout }), { signal, ms: this.callMs * 2 });
  }

  leaveListeningMode(signal?: AbortSignal): Promise<void> {
    return this.call('the stop-listening request', (timeout) => this.device.leaveListeningMode({ timeout }), { signal });
  }

  /** Ends this job on the device: the bus closes it or keeps it for the next (never an error). */
  release(o: { failed?: boolean } = {}): Promise<void> {
    return this.lease.release(o).catch(() => undefined);
  }
}
