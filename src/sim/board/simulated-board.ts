// One simulated board: the state machine of a real one behind the contract
// its endpoints use (contract.ts). It owns power and USB presence, modes and
// the LED, resets and boots, the cloud session's events, and the firmware it
// takes in (installs over serial and USB, DFU writes, OTA downloads). What
// keeps state of its own is an object it owns: this boot's timers
// (Lifetime), this boot's app (AppRun), the cloud session (CloudSession),
// the cloud's updates (OtaUpdates), faults armed on transfers
// (TransferFaults), the flash (ModuleStore), file system and link.
// Mode, LED and USB presence change only through setMode / setLed /
// refreshUsb, so that every change is emitted exactly once.
import { EventEmitter } from 'node:events';
import type { BoardMode, DeviceId, LedState, ResetReason } from '../../core/domain.js';
import { deviceOsHas } from '../../core/device-os.js';
import type { PlatformInfo } from '../../core/platform.js';
import type { LinkOptions, NetworkLink } from '../network/link.js';
import { AppRun, behaviourOf } from './app.js';
import { INSTALL_RESET_MS, REENUMERATE_MS, SERIAL_INSTALL_RESET_WALL_MS, SOS_MS } from './board-durations.js';
import type { BootDecision, BootTarget } from './boot.js';
import { CloudSession } from './cloud-session.js';
import type { FunctionCallResult, InstallResult, OtaProgress, SimBoard, SimBoardEvents, SimClock, SimModuleSlot, UsbPresence } from './contract.js';
import { TransferFaults, type SimFaults, type TransferFault } from './faults.js';
import type { FileSystem } from './file-system.js';
import { Lifetime } from './lifetime.js';
import { logLine, type LogLevel } from './log.js';
import { safeModeEventData, systemInfoJson } from './module-listing.js';
import type { ModuleStore } from './module-store.js';
import { OtaUpdates } from './ota-updates.js';
import type { StoredModule } from './slots.js';

/** What one simulated board is made of; create.ts builds it from a bench entry. */
export interface SimBoardSetup {
  name: string;
  id: DeviceId;
  platform: PlatformInfo;
  clock: SimClock;
  deviceOs: string;
  modules: ModuleStore;
  fs: FileSystem;
  link: NetworkLink;
  macAddress: string;
  imei: string | undefined;
  iccid: string | undefined;
  /** Powered through its USB cable (a bench board's usual case): unplugging it also cuts its power. */
  poweredByUsb: boolean;
}

export class SimulatedBoard extends EventEmitter<SimBoardEvents> implements SimBoard {
  readonly name: string;
  readonly id: DeviceId;
  readonly platform: PlatformInfo;
  readonly clock: SimClock;
  readonly deviceOsVersion: string;
  readonly macAddress: string;
  readonly claimed = true;
  readonly imei: string | undefined;
  readonly iccid: string | undefined;
  readonly fs: FileSystem;
  readonly link: NetworkLink;
  /** What the bench can do to the board: its cable, power, reset button, link, file system, faults armed on a transfer. */
  readonly faults: SimFaults;

  private readonly modules: ModuleStore;
  private readonly poweredByUsb: boolean;
  private readonly updates: OtaUpdates;
  private readonly armed: TransferFaults;
  /** The timers of this boot: a reset, power cut or crash ends them all. */
  private lifetime: Lifetime;
  private session: CloudSession;
  /** The user app of this boot, when it booted normally with one. */
  private app: AppRun | undefined;
  private currentMode: BoardMode = 'normal';
  private currentLed: LedState = 'off';
  private lastUsb: UsbPresence = 'absent';
  private reason: ResetReason = 'power_down';
  private powered = false;
  private plugged = true;
  private rebooting = false;
  private disposed = false;
  /** Board time of the last reset: trace timestamps count from here. */
  private bootAt = 0;
  private lastDecision: BootDecision = { target: 'normal', reasons: [] };
  /** spark/device/last_reset goes out once per boot, on its first session. */
  private resetReported = false;
  private modeBeforeListening: BoardMode = 'normal';

  constructor(s: SimBoardSetup) {
    super();
    this.name = s.name;
    this.id = s.id;
    this.platform = s.platform;
    this.clock = s.clock;
    this.deviceOsVersion = s.deviceOs;
    this.macAddress = s.macAddress;
    this.imei = s.imei;
    this.iccid = s.iccid;
    this.modules = s.modules;
    this.fs = s.fs;
    this.link = s.link;
    this.poweredByUsb = s.poweredByUsb;
    // Off until powerOn(): an ended lifetime takes no timers.
    this.lifetime = new Lifetime(this.clock);
    this.lifetime.end();
    this.session = this.newSession();
    this.updates = new OtaUpdates({
      clock: this.clock,
      link: this.link,
      platform: this.platform,
      deviceOsVersion: this.deviceOsVersion,
      modules: this.modules,
      fs: this.fs,
      lifetime: () => this.lifetime,
      online: () => this.session.isOnline,
      appHoldsUpdates: () => this.currentMode === 'normal' && this.app?.holdsUpdates() === true,
      cloudServiced: () => this.cloudServiced(),
      log: (c, l, m) => this.log(c, l, m),
      publish: (n, d) => this.publish(n, d),
      setLed: (led) => this.setLed(led),
      steadyLed: () => this.steadyLed(),
      progress: (p) => this.otaProgress(p),
      restart: (reason) => this.restart(reason, 'normal'),
    });
    this.armed = new TransferFaults((fault) => this.fire(fault));
    this.faults = {
      unplug: () => this.setPlugged(false),
      replug: () => this.setPlugged(true),
      powerCut: () => this.powerCut(),
      reset: () => this.reset('pin_reset'),
      setLink: (l) => this.changeLink(l),
      fillFs: (percent) => this.fs.fill(percent),
      armAt: (transfer, percent, fault) => this.armed.arm(transfer, percent, fault),
      armedFaults: () => this.armed.list(),
      disarm: (transfer) => this.armed.disarm(transfer),
    };
  }

  // --- what can be observed

  get mode(): BoardMode {
    return this.currentMode;
  }
  get led(): LedState {
    return this.currentLed;
  }
  get usb(): UsbPresence {
    if (!this.powered || !this.plugged || this.rebooting || this.disposed) return 'absent';
    return this.currentMode === 'dfu' ? 'dfu' : 'serial';
  }
  get resetReason(): ResetReason {
    return this.reason;
  }
  get cloudConnected(): boolean {
    return this.session.isOnline;
  }
  get updatesPending(): boolean {
    return this.updates.isPending;
  }
  /** Why the last boot went where it did (safe mode, DFU), in plain words. */
  get bootDecision(): BootDecision {
    return this.lastDecision;
  }

  slots(): SimModuleSlot[] {
    return this.modules.describe();
  }

  /** `{"p":..,"m":[..]}` as the `s` command prints it. */
  systemInfo(): string {
    return systemInfoJson(this.platform, this.slots());
  }

  runningAppHash(): string | undefined {
    if (this.currentMode !== 'normal' || !this.app) return undefined;
    return this.modules.userModule()?.info.sha256;
  }

  // --- power, cable and link

  powerOn(): void {
    if (this.powered || this.disposed) return;
    this.powered = true;
    this.restart('power_down', 'normal');
  }

  private powerCut(): void {
    if (!this.powered) return;
    this.stopEverything();
    this.powered = false;
    this.setLed('off');
    this.refreshUsb();
  }

  private setPlugged(plugged: boolean): void {
    if (plugged === this.plugged) return;
    this.plugged = plugged;
    if (this.poweredByUsb) {
      // The cable is the board's power: pulling it is a power cut, plugging it back boots it.
      if (plugged) this.powerOn();
      else this.powerCut();
    }
    this.refreshUsb();
  }

  /** Changes the link at run time (bandwidth, loss, up/down...). */
  private changeLink(change: Partial<LinkOptions>): void {
    this.link.set(change);
    this.session.linkChanged();
  }

  // --- resets, modes and boots

  reset(reason: ResetReason): void {
    if (!this.powered || this.disposed) return;
    this.restart(reason, 'normal');
  }

  enterMode(mode: BoardMode): void {
    if (!this.powered || this.disposed) return;
    const from = this.currentMode;
    if (mode === 'dfu') {
      if (from !== 'dfu') this.restart('dfu_mode', 'dfu');
    } else if (mode === 'safe') {
      if (from !== 'safe') this.restart('safe_mode', 'safe');
    } else if (mode === 'listening') {
      if (from !== 'normal' && from !== 'safe') return;
      this.modeBeforeListening = from;
      this.session.drop();
      this.setMode('listening');
      this.setLed('blinking-blue');
    } else if (from === 'listening') {
      this.setMode(this.modeBeforeListening);
      this.setLed(this.steadyLed());
      this.session.connect();
    } else if (from === 'dfu') {
      this.restart('dfu_mode', 'normal');
    } else if (from === 'safe') {
      this.restart('user', 'normal');
    }
  }

  /** The boot ends: its transfer, session, timers and app stop. */
  private stopEverything(): void {
    this.updates.stop();
    this.session.drop();
    this.lifetime.end();
    this.app = undefined;
  }

  /** Reset: USB vanishes, everything of this boot stops, the board boots `target` a moment later. */
  private restart(reason: ResetReason, target: BootTarget): void {
    this.stopEverything();
    this.lifetime = new Lifetime(this.clock);
    this.session = this.newSession();
    this.reason = reason;
    this.resetReported = false;
    this.rebooting = true;
    this.bootAt = this.clock.now();
    this.setLed('off');
    this.refreshUsb();
    this.lifetime.after(REENUMERATE_MS, () => this.boot(target));
  }

  private boot(requested: BootTarget): void {
    this.lastDecision = this.modules.boot(requested);
    this.rebooting = false;
    const target = this.lastDecision.target;
    this.setMode(target);
    this.setLed(target === 'dfu' ? 'blinking-yellow' : 'blinking-green');
    this.refreshUsb();
    if (target === 'dfu') return;
    this.log('system', 'INFO', `Device OS ${this.deviceOsVersion} started, reset reason: ${this.reason}`);
    if (target === 'safe') {
      this.log('system', 'WARN', `Safe mode: ${this.lastDecision.reasons.join('; ')}`);
    } else {
      const user = this.modules.userModule();
      this.app = user ? this.newApp(user) : undefined;
      // With SYSTEM_THREAD the app starts at once; without it, once the cloud is up.
      if (this.app?.systemThread) this.app.start(this.bootAt);
    }
    this.session.connect();
  }

  private crash(kind: 'panic' | 'hard_fault'): void {
    this.log('system', 'PANIC', kind === 'panic' ? 'panic' : 'HardFault');
    // Everything halts while the LED blinks SOS; then the board resets itself.
    this.stopEverything();
    this.lifetime = new Lifetime(this.clock);
    this.setLed('red-sos');
    this.lifetime.after(SOS_MS, () => this.restart('panic, hard_fault', 'normal'));
  }

  // --- the app

  private newApp(user: StoredModule): AppRun {
    return new AppRun(behaviourOf(user.image, user.info), {
      clock: this.clock,
      deviceOs: this.deviceOsVersion,
      lifetime: this.lifetime,
      fs: this.fs,
      log: (c, l, m, at) => this.log(c, l, m, at),
      publish: (n, d) => this.publish(n, d),
      crash: (kind) => this.crash(kind),
      reset: () => this.reset('user'),
    });
  }

  /** False while the app blocks setup() without SYSTEM_THREAD: the cloud gets no processing. */
  private cloudServiced(): boolean {
    return this.currentMode !== 'normal' || !this.app || this.app.cloudServiced();
  }

  /** The cloud functions the running app registered and the cloud can reach. */
  cloudFunctions(): string[] {
    return this.currentMode === 'normal' && this.app ? this.app.functions() : [];
  }

  /** A cloud function call, as the device answers it. */
  callFunction(name: string, arg: string): FunctionCallResult {
    if (!this.cloudConnected) return { ok: false, reason: 'offline' };
    if (!this.app || !this.cloudFunctions().includes(name)) return { ok: false, reason: 'unknown' };
    return { ok: true, returnValue: this.app.call(name, arg) };
  }

  // --- the cloud session

  private newSession(): CloudSession {
    return new CloudSession({
      lifetime: this.lifetime,
      link: this.link,
      canConnect: () => this.powered && !this.rebooting && (this.currentMode === 'normal' || this.currentMode === 'safe'),
      setLed: (led) => this.setLed(led),
      log: (c, l, m) => this.log(c, l, m),
      connected: () => this.onCloudUp(),
      disconnected: () => {
        // A lost link lets a transfer stall into update_timeout; listening mode ends it.
        if (this.currentMode === 'listening') this.updates.stop();
        this.emit('cloudEvent', 'spark/status', 'offline', 60);
        this.emit('cloudConnection', false);
      },
    });
  }

  private onCloudUp(): void {
    this.emit('cloudConnection', true);
    this.setLed(this.steadyLed());
    this.publish('spark/status', 'online');
    if (!this.resetReported) {
      this.resetReported = true;
      this.publish('spark/device/last_reset', this.reason);
    }
    const hash = this.runningAppHash();
    if (hash) this.publish('spark/device/app-hash', hash.toUpperCase());
    if (this.currentMode === 'safe') this.publish('spark/status/safe-mode', safeModeEventData(this.platform, this.slots()));
    if (this.currentMode === 'normal' && this.app && !this.app.systemThread) this.app.start(this.bootAt);
    this.updates.resume();
  }

  // --- firmware: installs over serial (YMODEM) and USB control requests

  installImage(image: Buffer, via: 'serial' | 'usb'): InstallResult {
    if (!this.powered) return { ok: false, code: 0, message: 'Failed to receive the file!' };
    if (via === 'serial' && deviceOsHas(this.deviceOsVersion, 'noSerialFlashing')) {
      return { ok: false, code: 0, message: 'Serial/YModem flashing is no longer supported' };
    }
    const r = this.modules.check(image);
    if (!r.ok) return r;
    this.modules.install(r.slot, r.module);
    // Reset a moment later: the endpoint still prints its closing lines on this port, for a host to read.
    const wallFloor = via === 'serial' ? SERIAL_INSTALL_RESET_WALL_MS * this.clock.scale : 0; // as board ms
    this.lifetime.after(Math.max(INSTALL_RESET_MS, wallFloor), () => this.restart('update', 'normal'));
    return { ok: true, info: r.module.info };
  }

  // --- firmware: DFU

  dfuWrite(alt: number, address: number, data: Buffer): { ok: true } | { ok: false; error: 'address' | 'write' } {
    if (this.currentMode !== 'dfu' || this.usb === 'absent') return { ok: false, error: 'write' };
    return this.modules.memory.write(alt, address, data);
  }

  dfuErase(alt: number, address: number): { ok: true } | { ok: false; error: 'address' } {
    return this.modules.memory.erase(alt, address);
  }

  dfuRead(alt: number, address: number, length: number): Buffer {
    return this.modules.memory.read(alt, address, length);
  }

  dfuLeave(): void {
    if (this.currentMode === 'dfu') this.enterMode('normal');
  }

  // --- firmware: OTA from the cloud

  startOta(image: Buffer): { accepted: true } | { accepted: false; reason: 'offline' | 'updates-disabled' | 'busy' } {
    if (!this.powered || !this.cloudConnected) return { accepted: false, reason: 'offline' };
    return this.updates.offer(image);
  }

  /** The cloud-side "force enable OTA": a pending update goes ahead even though the app disabled updates. */
  allowUpdates(): void {
    this.updates.force();
  }

  private otaProgress(p: OtaProgress): void {
    this.emit('otaProgress', p);
    this.armed.reached('ota', (p.chunksReceived / p.chunksTotal) * 100);
  }

  // --- faults armed on a transfer

  /** Endpoints report how far a DFU, serial or USB transfer is (bytes written / image length). */
  transferProgress(transfer: 'dfu' | 'serial' | 'usb', percent: number): void {
    this.armed.reached(transfer, percent);
  }

  private fire(fault: TransferFault): void {
    if (fault === 'power-cut') this.powerCut();
    else if (fault === 'reset') this.reset('pin_reset');
    else this.setPlugged(false);
  }

  // --- outputs: the trace on the CDC port, events, mode, LED, USB presence

  /** A SerialLogHandler line; silent in listening and DFU mode and while off. */
  private log(category: string, level: LogLevel, message: string, atBoardMs = this.clock.now()): void {
    if (!this.powered || this.rebooting || this.currentMode === 'listening' || this.currentMode === 'dfu') return;
    this.emit('serialOutput', Buffer.from(logLine(atBoardMs - this.bootAt, category, level, message)));
  }

  /** The board publishes an event; only a connected board reaches the cloud. */
  private publish(name: string, data: string): void {
    if (this.session.isOnline) this.emit('cloudEvent', name, data, 60);
  }

  private setLed(led: LedState): void {
    if (led === this.currentLed) return;
    this.currentLed = led;
    this.emit('led', led);
  }

  private setMode(mode: BoardMode): void {
    if (mode === this.currentMode) return;
    this.currentMode = mode;
    this.emit('mode', mode);
  }

  private refreshUsb(): void {
    const now = this.usb;
    if (now === this.lastUsb) return;
    this.lastUsb = now;
    this.emit('usbChange', now);
  }

  /** The LED of the current mode and connection, once nothing transient (OTA, SOS) shows. */
  private steadyLed(): LedState {
    if (this.currentMode === 'dfu') return 'blinking-yellow';
    if (this.currentMode === 'listening') return 'blinking-blue';
    if (!this.session.isOnline) return 'blinking-green';
    return this.currentMode === 'safe' ? 'breathing-magenta' : 'breathing-cyan';
  }

  dispose(): void {
    if (this.disposed) return;
    this.stopEverything();
    this.disposed = true;
    this.powered = false;
    this.removeAllListeners();
  }
}
