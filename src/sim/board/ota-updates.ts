// The cloud's updates for one board, from offer to applied: an update the
// app's System.disableUpdates() holds back (pending, announced with
// particle/device/updates/pending), the cloud's "force enable OTA", the one
// transfer in progress (ota-transfer.ts) and what the board does with a
// finished download. Pending and forced are the cloud's state and outlive a
// boot; a transfer ends with its boot.
import type { LedState, ResetReason } from '../../core/domain.js';
import type { PlatformInfo } from '../../core/platform.js';
import type { NetworkLink } from '../network/link.js';
import type { OtaProgress, SimClock } from './contract.js';
import type { FileSystem } from './file-system.js';
import type { Lifetime } from './lifetime.js';
import type { LogLevel } from './log.js';
import type { ModuleStore } from './module-store.js';
import { OtaTransfer, type OtaOutcome } from './ota-transfer.js';
import { deviceOsHas } from '../../core/device-os.js';

export interface UpdatesHost {
  readonly clock: SimClock;
  readonly link: NetworkLink;
  readonly platform: PlatformInfo;
  readonly deviceOsVersion: string;
  readonly modules: ModuleStore;
  readonly fs: FileSystem;
  /** The timers of the current boot: a transfer stops with it. */
  lifetime(): Lifetime;
  /** The board's cloud session is up. */
  online(): boolean;
  /** The running app keeps updates out (System.disableUpdates()). */
  appHoldsUpdates(): boolean;
  /** False while the app starves the cloud: nothing received is processed. */
  cloudServiced(): boolean;
  log(category: string, level: LogLevel, message: string): void;
  publish(name: string, data: string): void;
  setLed(led: LedState): void;
  /** The LED of the board's mode and connection, once nothing transient shows. */
  steadyLed(): LedState;
  progress(p: OtaProgress): void;
  /** The board resets and boots normally. */
  restart(reason: ResetReason): void;
}

export type OtaOffer = { accepted: true } | { accepted: false; reason: 'updates-disabled' | 'busy' };

export class OtaUpdates {
  private transfer: OtaTransfer | undefined;
  private pendingImage: Buffer | undefined;
  private pending = false;
  private forced = false;

  constructor(private readonly host: UpdatesHost) {}

  /** Cloud-side flag: an update waits while the app has disabled updates. */
  get isPending(): boolean {
    return this.pending;
  }

  /** The cloud offers an image to a board on the cloud. */
  offer(image: Buffer): OtaOffer {
    if (this.transfer) return { accepted: false, reason: 'busy' };
    if (this.held()) {
      this.pendingImage = image;
      if (!this.pending) {
        this.pending = true;
        this.host.publish('particle/device/updates/pending', 'true');
      }
      return { accepted: false, reason: 'updates-disabled' };
    }
    this.begin(image);
    return { accepted: true };
  }

  /** The cloud-side "force enable OTA": a pending update goes ahead even though the app disabled updates. */
  force(): void {
    this.forced = true;
    this.resume();
  }

  /** A pending update goes ahead once the board is on the cloud and nothing holds it. */
  resume(): void {
    const image = this.pendingImage;
    if (!image || !this.host.online() || this.transfer || this.held()) return;
    this.pendingImage = undefined;
    this.pending = false;
    this.host.publish('particle/device/updates/pending', 'false');
    this.begin(image);
  }

  /** Ends the transfer in progress, if any (the boot ended, or listening mode ended the session). */
  stop(): void {
    this.transfer?.stop();
    this.transfer = undefined;
  }

  private held(): boolean {
    return this.host.appHoldsUpdates() && !this.forced;
  }

  private begin(image: Buffer): void {
    const host = this.host;
    host.publish('spark/flash/status', 'started ');
    host.setLed('blinking-magenta');
    const acked = deviceOsHas(host.deviceOsVersion, 'ackedOta');
    // Device OS 3.0+ resumes a transfer: an image already whole in the OTA
    // area is not sent again (seed 001: the retry "is just a blip").
    const staged = host.modules.staged?.image;
    const resume = acked && staged !== undefined && staged.equals(image);
    this.transfer = new OtaTransfer(image, {
      clock: host.clock,
      lifetime: host.lifetime(),
      link: host.link,
      protocol: acked ? 'acked' : 'fast',
      fastOtaLines: deviceOsHas(host.deviceOsVersion, 'fastOtaCommOtaLines') ? '2.x' : '1.x',
      missedChunksPerRequest: host.platform.name === 'argon' ? 20 : 40,
      // Device OS 3.0+ waits 300 s for a transfer; older ones the platform's stall timeout.
      stallTimeoutMs: (acked ? 300 : host.platform.otaStallTimeoutS) * 1000,
      legacyResultEvent: !deviceOsHas(host.deviceOsVersion, 'flashStatusEvents'),
      log: (c, l, m) => host.log(c, l, m),
      publish: (n, d) => host.publish(n, d),
      cloudServiced: () => host.cloudServiced(),
      progress: (p) => host.progress(p),
      finished: (o) => this.finished(image, o),
    }, { alreadyReceived: resume });
    this.transfer.start();
  }

  private finished(image: Buffer, outcome: OtaOutcome): void {
    const host = this.host;
    this.transfer = undefined;
    if (outcome.kind === 'timeout') {
      // UNCONFIRMED wording, the simulator's own on every release: it says where the transfer stood, which the rig's diagnosis reads.
      host.log('comm', 'WARN', `update timed out at chunk ${outcome.chunk} of ${outcome.chunksTotal}`);
      host.publish('spark/flash/status', 'failed');
      host.restart('update_timeout');
      return;
    }
    const r = host.modules.check(image);
    if (!r.ok) {
      host.log('comm.ota', 'ERROR', r.message);
      host.publish('spark/flash/status', 'failed');
      host.setLed(host.steadyLed());
      return;
    }
    // "success" only means the transfer finished (seed 001): a full file
    // system makes the apply step fail and the old app boots again, while
    // the downloaded image stays in the OTA area.
    host.publish('spark/flash/status', 'success ');
    if (host.fs.full) {
      host.modules.staged = r.module;
      // UNCONFIRMED wording: the failure is real (seed 001), the exact line is the simulator's.
      host.log('fs', 'ERROR', 'write failed: no space left on the file system; the firmware update is not applied');
    } else {
      host.modules.staged = undefined;
      host.modules.install(r.slot, r.module);
    }
    host.restart('update');
  }
}
