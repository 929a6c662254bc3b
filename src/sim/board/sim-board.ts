// The full simulated board: the core state machine plus the three ways a
// board takes firmware (OTA from the cloud, installs over serial/USB, DFU
// writes) and the armed faults that fire during a transfer.
import type { InstallResult, OtaProgress, SimBoard } from './contract.js';
import { BoardCore, type BoardParts } from './board.js';
import { validateForInstall } from './module-checks.js';
import { OtaTransfer, type OtaOutcome } from './ota.js';
import { osOrdinal } from './versions.js';
import { INSTALL_RESET_MS } from './board-durations.js';
import { findSlot, type Slot, type StoredModule } from './slots.js';
import { holdsUpdates } from './update-request.js';

export type TransferKind = 'ota' | 'dfu' | 'serial';
export type ArmedFault = 'power-cut' | 'reset' | 'unplug';

export class SimBoardImpl extends BoardCore implements SimBoard {
  private ota: OtaTransfer | undefined;
  private pendingImage: Buffer | undefined;
  private pending = false;
  private updatesForced = false;
  private readonly armed = new Map<TransferKind, { percent: number; fault: ArmedFault }>();

  constructor(parts: BoardParts) {
    super(parts);
  }

  get updatesPending(): boolean {
    return this.pending;
  }

  get otaInProgress(): boolean {
    return this.ota !== undefined;
  }

  // --- installs over serial (YMODEM) and USB control requests
  installImage(image: Buffer, via: 'serial' | 'usb'): InstallResult {
    if (!this.isPowered) return { ok: false, code: 0, message: 'Failed to receive the file!' };
    if (via === 'serial' && osOrdinal(this.deviceOsVersion) >= 60000) {
      return { ok: false, code: 0, message: 'Serial/YModem flashing is no longer supported' };
    }
    const r = validateForInstall(image, this.platform, this.slotList);
    if (!r.ok) return r;
    this.apply(r.slot, r.module);
    // Reset a moment later: the endpoint still prints its closing lines on this port.
    this.lifetime.after(INSTALL_RESET_MS, () => this.restart('update', 'normal'));
    return { ok: true, info: r.module.info };
  }

  private apply(slot: Slot, module: StoredModule): void {
    slot.module = module;
    if (module.image) this.memory.place(module.image, module.info.startAddress);
  }

  // --- DFU
  dfuWrite(alt: number, address: number, data: Buffer): { ok: true } | { ok: false; error: 'address' | 'write' } {
    if (this.mode !== 'dfu' || this.usb === 'absent') return { ok: false, error: 'write' };
    return this.memory.write(alt, address, data);
  }

  dfuErase(alt: number, address: number): { ok: true } | { ok: false; error: 'address' } {
    return this.memory.erase(alt, address);
  }

  dfuRead(alt: number, address: number, length: number): Buffer {
    return this.memory.read(alt, address, length);
  }

  dfuLeave(): void {
    if (this.mode === 'dfu') this.enterMode('normal');
  }

  // --- OTA
  startOta(image: Buffer): { accepted: true } | { accepted: false; reason: 'offline' | 'updates-disabled' | 'busy' } {
    if (!this.isPowered || !this.cloudConnected) return { accepted: false, reason: 'offline' };
    if (this.ota) return { accepted: false, reason: 'busy' };
    if (this.updatesDisabled()) {
      this.pendingImage = image;
      if (!this.pending) {
        this.pending = true;
        this.publish('particle/device/updates/pending', 'true');
      }
      return { accepted: false, reason: 'updates-disabled' };
    }
    this.beginOta(image);
    return { accepted: true };
  }

  /** The cloud-side "force enable OTA": a pending update goes ahead even though the app disabled updates. */
  allowUpdates(): void {
    this.updatesForced = true;
    this.resumePending();
  }

  private resumePending(): void {
    const image = this.pendingImage;
    if (!image || !this.cloudConnected || this.ota || this.updatesDisabled()) return;
    this.pendingImage = undefined;
    this.pending = false;
    this.publish('particle/device/updates/pending', 'false');
    this.beginOta(image);
  }

  private updatesDisabled(): boolean {
    return holdsUpdates(this.runningApp, this.updatesAllowedByApp) && !this.updatesForced;
  }

  private beginOta(image: Buffer): void {
    this.publish('spark/flash/status', 'started ');
    this.setLed('blinking-magenta');
    const ordinal = osOrdinal(this.deviceOsVersion);
    // Device OS 3.0+ resumes a transfer: an image already whole in the OTA
    // area is not sent again (seed 001: the retry "is just a blip").
    const staged = findSlot(this.slotList, 'u', 0, 't')?.module?.image;
    const resume = ordinal >= 30000 && staged !== undefined && staged.equals(image);
    this.ota = new OtaTransfer(image, {
      clock: this.clock,
      lifetime: this.lifetime,
      link: this.link,
      protocol: ordinal >= 30000 ? 'acked' : 'fast',
      // Device OS 3.0+ waits 300 s for a transfer; older ones the platform's stall timeout.
      stallTimeoutMs: (ordinal >= 30000 ? 300 : this.platform.otaStallTimeoutS) * 1000,
      legacyResultEvent: ordinal < 700,
      log: (c, l, m) => this.log(c, l, m),
      publish: (n, d) => this.publish(n, d),
      cloudServiced: () => this.cloudServiced(),
      progress: (p) => this.otaProgress(p),
      finished: (o) => this.otaFinished(image, o),
    }, { alreadyReceived: resume });
    this.ota.start();
  }

  private otaProgress(p: OtaProgress): void {
    this.emit('otaProgress', p);
    this.checkArmed('ota', (p.chunksReceived / p.chunksTotal) * 100);
  }

  private otaFinished(image: Buffer, outcome: OtaOutcome): void {
    this.ota = undefined;
    if (outcome.kind === 'timeout') {
      this.log('comm', 'WARN', `update timed out at chunk ${outcome.chunk} of ${outcome.chunksTotal}`);
      this.publish('spark/flash/status', 'failed');
      this.restart('update_timeout', 'normal');
      return;
    }
    const r = validateForInstall(image, this.platform, this.slotList);
    if (!r.ok) {
      this.log('comm.ota', 'ERROR', r.message);
      this.publish('spark/flash/status', 'failed');
      this.setLed(this.steadyLed());
      return;
    }
    // "success" only means the transfer finished (seed 001): a full file
    // system makes the apply step fail and the old app boots again, while
    // the downloaded image stays in the OTA area.
    this.publish('spark/flash/status', 'success ');
    const scratch = findSlot(this.slotList, 'u', 0, 't');
    if (this.fs.full) {
      if (scratch) scratch.module = r.module;
      // UNCONFIRMED wording: the failure is real (seed 001), the exact line is the simulator's.
      this.log('fs', 'ERROR', 'write failed: no space left on the file system; the firmware update is not applied');
    } else {
      if (scratch) scratch.module = undefined;
      this.apply(r.slot, r.module);
    }
    this.restart('update', 'normal');
  }

  protected override onStop(): void {
    this.ota?.stop();
    this.ota = undefined;
  }

  protected override onSessionDown(): void {
    // A lost link lets the transfer stall into update_timeout; listening mode ends it.
    if (this.mode === 'listening') this.onStop();
  }

  protected override onCloudUp(): void {
    super.onCloudUp();
    this.resumePending();
  }

  // --- faults armed at a point of a transfer
  arm(transfer: TransferKind, percent: number, fault: ArmedFault): void {
    if (!(percent >= 0 && percent <= 100)) throw new TypeError(`Expected a percentage between 0 and 100, got ${String(percent)}`);
    this.armed.set(transfer, { percent, fault });
  }

  /** Endpoints report how far a DFU or serial transfer is (bytes written / image length). */
  transferProgress(transfer: 'dfu' | 'serial', percent: number): void {
    this.checkArmed(transfer, percent);
  }

  private checkArmed(transfer: TransferKind, percent: number): void {
    const a = this.armed.get(transfer);
    if (!a || percent < a.percent) return;
    this.armed.delete(transfer);
    if (a.fault === 'power-cut') this.powerCut();
    else if (a.fault === 'reset') this.reset('pin_reset');
    else this.setPlugged(false);
  }
}
