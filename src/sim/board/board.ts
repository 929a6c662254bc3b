// The simulated board: the state machine of a real Particle board. Power,
// resets and re-enumeration, modes and LEDs, module slots and boot checks,
// the cloud session and the app; OTA, DFU and installs are delegated to
// their own modules. Endpoints (serial, USB, cloud) only call the SimBoard
// interface and listen to its events.
import { EventEmitter } from 'node:events';
import type { AppBehaviour } from '../../firmware/behaviour.js';
import type { BoardMode, DeviceId, LedState, ResetReason } from '../../domain.js';
import type { PlatformInfo } from '../../platform.js';
import type { LinkOptions, NetworkLink } from '../network/link.js';
import { behaviourOf, startApp } from './app.js';
import { decideBoot, describeSlots, type BootDecision, type BootTarget } from './boot.js';
import { CloudSession } from './cloud-session.js';
import type { DfuMemory } from './dfu-memory.js';
import type { FileSystem } from './file-system.js';
import { Lifetime } from './lifetime.js';
import { logLine, type LogLevel } from './log.js';
import { systemInfoJson } from './module-json.js';
import { userSlot, type Slot } from './slots.js';
import { REENUMERATE_MS, SOS_MS } from './timing.js';
import type { SimBoardEvents, SimClock, SimModuleSlot, UsbPresence } from './types.js';

export interface BoardParts {
  name: string;
  id: DeviceId;
  platform: PlatformInfo;
  clock: SimClock;
  deviceOs: string;
  slots: Slot[];
  memory: DfuMemory;
  fs: FileSystem;
  link: NetworkLink;
  macAddress: string;
  imei: string | undefined;
  iccid: string | undefined;
}

export class BoardCore extends EventEmitter<SimBoardEvents> {
  readonly name: string;
  readonly id: DeviceId;
  readonly platform: PlatformInfo;
  readonly clock: SimClock;
  readonly deviceOsVersion: string;
  readonly macAddress: string;
  readonly claimed = true;
  readonly imei: string | undefined;
  readonly iccid: string | undefined;
  readonly slotList: Slot[];
  readonly memory: DfuMemory;
  readonly fs: FileSystem;
  readonly link: NetworkLink;

  protected lifetime: Lifetime;
  protected session: CloudSession;
  private currentMode: BoardMode = 'normal';
  private currentLed: LedState = 'off';
  private lastUsb: UsbPresence = 'absent';
  private reason: ResetReason = 'power_down';
  private powered = false;
  private plugged = true;
  private rebooting = false;
  private disposed = false;
  private bootAt = 0;
  private resetReported = false;
  private modeBeforeListening: BoardMode = 'normal';
  protected app: AppBehaviour | undefined;
  private appStarted = false;
  private lastDecision: BootDecision = { target: 'normal', reasons: [] };

  constructor(p: BoardParts) {
    super();
    this.name = p.name;
    this.id = p.id;
    this.platform = p.platform;
    this.clock = p.clock;
    this.deviceOsVersion = p.deviceOs;
    this.macAddress = p.macAddress;
    this.imei = p.imei;
    this.iccid = p.iccid;
    this.slotList = p.slots;
    this.memory = p.memory;
    this.fs = p.fs;
    this.link = p.link;
    this.lifetime = new Lifetime(this.clock);
    this.lifetime.end();
    this.session = this.newSession();
  }

  // --- observable state
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
  get isPowered(): boolean {
    return this.powered;
  }
  get isPlugged(): boolean {
    return this.plugged;
  }
  /** Why the last boot went where it did (safe mode, DFU), in plain words. */
  get bootDecision(): BootDecision {
    return this.lastDecision;
  }
  /** The behaviour of the app that runs now, if one runs. */
  get runningApp(): AppBehaviour | undefined {
    return this.currentMode === 'normal' ? this.app : undefined;
  }

  slots(): SimModuleSlot[] {
    return describeSlots(this.slotList, this.platform);
  }

  /** `{"p":..,"m":[..]}` as the `s` command prints it. */
  systemInfo(): string {
    return systemInfoJson(this.platform, this.slots());
  }

  runningAppHash(): string | undefined {
    if (this.currentMode !== 'normal' || !this.app) return undefined;
    return userSlot(this.slotList).module?.info.sha256;
  }

  // --- output
  /** A SerialLogHandler line; silent in listening and DFU mode and while off. */
  log(category: string, level: LogLevel, message: string, atBoardMs = this.clock.now()): void {
    if (!this.powered || this.rebooting || this.currentMode === 'listening' || this.currentMode === 'dfu') return;
    this.emit('serialOutput', Buffer.from(logLine(atBoardMs - this.bootAt, category, level, message)));
  }

  publish(name: string, data: string): void {
    if (this.session.isOnline) this.emit('cloudEvent', name, data, 60);
  }

  setLed(led: LedState): void {
    if (led === this.currentLed) return;
    this.currentLed = led;
    this.emit('led', led);
  }

  private setMode(mode: BoardMode): void {
    if (mode === this.currentMode) return;
    this.currentMode = mode;
    this.emit('mode', mode);
  }

  protected refreshUsb(): void {
    const now = this.usb;
    if (now === this.lastUsb) return;
    this.lastUsb = now;
    this.emit('usbChange', now);
  }

  protected steadyLed(): LedState {
    if (this.currentMode === 'dfu') return 'blinking-yellow';
    if (this.currentMode === 'listening') return 'blinking-blue';
    if (!this.session.isOnline) return 'blinking-green';
    return this.currentMode === 'safe' ? 'breathing-magenta' : 'breathing-cyan';
  }

  // --- power, resets, modes
  powerOn(): void {
    if (this.powered || this.disposed) return;
    this.powered = true;
    this.restart('power_down', 'normal');
  }

  powerCut(): void {
    if (!this.powered) return;
    this.stopEverything();
    this.powered = false;
    this.setLed('off');
    this.refreshUsb();
  }

  setPlugged(plugged: boolean): void {
    this.plugged = plugged;
    this.refreshUsb();
  }

  /** Changes the link at run time (bandwidth, loss, up/down...). */
  changeLink(change: Partial<LinkOptions>): void {
    this.link.set(change);
    this.session.linkChanged();
  }

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

  /** The boot ends (reset, power cut, crash): subclasses stop their transfers here. */
  protected onStop(): void {}

  /** The cloud session ended: an OTA in progress cannot go on. */
  protected onSessionDown(): void {}

  private stopEverything(): void {
    this.onStop();
    this.session.drop();
    this.lifetime.end();
    this.app = undefined;
    this.appStarted = false;
  }

  /** Reset: USB vanishes, everything of this boot stops, the board boots `target` a moment later. */
  protected restart(reason: ResetReason, target: BootTarget): void {
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
    if (this.memory.changed) this.memory.syncSlots(this.slotList);
    this.lastDecision = decideBoot(this.slotList, this.platform, requested);
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
      const user = userSlot(this.slotList).module;
      this.app = user ? behaviourOf(user.image, user.info) : undefined;
      if (this.app?.systemThread) this.runApp();
    }
    this.session.connect();
  }

  private runApp(): void {
    if (!this.app || this.appStarted) return;
    this.appStarted = true;
    startApp(this.app, {
      clock: this.clock,
      lifetime: this.lifetime,
      log: (c, l, m, at) => this.log(c, l, m, at),
      publish: (n, d) => this.publish(n, d),
      crash: (kind) => this.crash(kind),
      fillFs: (pct) => this.fs.fill(Math.max(this.fs.usedPercent, pct)),
    }, this.bootAt);
  }

  private crash(kind: 'panic' | 'hard_fault'): void {
    this.log('system', 'PANIC', kind === 'panic' ? 'panic' : 'HardFault');
    // Everything halts while the LED blinks SOS; then the board resets itself.
    this.stopEverything();
    this.lifetime = new Lifetime(this.clock);
    this.setLed('red-sos');
    this.lifetime.after(SOS_MS, () => this.restart('panic, hard_fault', 'normal'));
  }

  /** False while the app blocks setup() without SYSTEM_THREAD: the cloud gets no processing. */
  cloudServiced(): boolean {
    const a = this.app;
    return !(this.currentMode === 'normal' && a && this.appStarted && a.blocksCloudInSetup && !a.systemThread);
  }

  private newSession(): CloudSession {
    return new CloudSession({
      lifetime: this.lifetime,
      link: this.link,
      canConnect: () => this.powered && !this.rebooting && (this.currentMode === 'normal' || this.currentMode === 'safe'),
      setLed: (led) => this.setLed(led),
      log: (c, l, m) => this.log(c, l, m),
      connected: () => this.onCloudUp(),
      disconnected: () => {
        this.onSessionDown();
        this.emit('cloudEvent', 'spark/status', 'offline', 60);
        this.emit('cloudConnection', false);
      },
    });
  }

  protected onCloudUp(): void {
    this.emit('cloudConnection', true);
    this.setLed(this.steadyLed());
    this.publish('spark/status', 'online');
    if (!this.resetReported) {
      this.resetReported = true;
      this.publish('spark/device/last_reset', this.reason);
    }
    const hash = this.runningAppHash();
    if (hash) this.publish('spark/device/app-hash', hash.toUpperCase());
    if (this.currentMode === 'safe') {
      const m = JSON.parse(this.systemInfo()) as { m: unknown[] };
      this.publish('spark/status/safe-mode', JSON.stringify({ f: [], v: {}, p: this.platform.id, m: m.m }));
    }
    if (this.currentMode === 'normal' && !this.app?.systemThread) this.runApp();
  }

  dispose(): void {
    if (this.disposed) return;
    this.stopEverything();
    this.disposed = true;
    this.powered = false;
    this.removeAllListeners();
  }
}
