// What can be observed of a simulated board and how it speaks: identity,
// mode, LED, USB presence, slots, and its two outputs (SerialLogHandler
// lines on the CDC port, events towards the cloud). State changes go through
// setMode / setLed / refreshUsb so that every change is emitted exactly once.
import { EventEmitter } from 'node:events';
import type { AppBehaviour } from '../../firmware/behaviour.js';
import type { BoardMode, DeviceId, LedState, ResetReason } from '../../domain.js';
import type { PlatformInfo } from '../../platform.js';
import type { NetworkLink } from '../network/link.js';
import type { BootDecision } from './boot.js';
import { describeSlots } from './module-checks.js';
import type { CloudSession } from './cloud-session.js';
import type { DfuMemory } from './dfu-memory.js';
import type { FileSystem } from './file-system.js';
import { logLine, type LogLevel } from './log.js';
import { systemInfoJson } from './module-listing.js';
import { userSlot, type Slot } from './slots.js';
import type { SimBoardEvents, SimClock, SimModuleSlot, UsbPresence } from './contract.js';

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
  /** Powered through its USB cable (a bench board's usual case): unplugging it also cuts its power. */
  poweredByUsb: boolean;
}

export abstract class BoardState extends EventEmitter<SimBoardEvents> {
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

  protected abstract session: CloudSession;
  protected currentMode: BoardMode = 'normal';
  protected reason: ResetReason = 'power_down';
  protected powered = false;
  protected readonly poweredByUsb: boolean;
  protected plugged = true;
  protected rebooting = false;
  protected disposed = false;
  /** Board time of the last reset: trace timestamps count from here. */
  protected bootAt = 0;
  protected app: AppBehaviour | undefined;
  protected lastDecision: BootDecision = { target: 'normal', reasons: [] };
  private currentLed: LedState = 'off';
  private lastUsb: UsbPresence = 'absent';

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
    this.poweredByUsb = p.poweredByUsb;
  }

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

  /** A SerialLogHandler line; silent in listening and DFU mode and while off. */
  log(category: string, level: LogLevel, message: string, atBoardMs = this.clock.now()): void {
    if (!this.powered || this.rebooting || this.currentMode === 'listening' || this.currentMode === 'dfu') return;
    this.emit('serialOutput', Buffer.from(logLine(atBoardMs - this.bootAt, category, level, message)));
  }

  /** The board publishes an event; only a connected board reaches the cloud. */
  publish(name: string, data: string): void {
    if (this.session.isOnline) this.emit('cloudEvent', name, data, 60);
  }

  setLed(led: LedState): void {
    if (led === this.currentLed) return;
    this.currentLed = led;
    this.emit('led', led);
  }

  protected setMode(mode: BoardMode): void {
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

  /** The LED of the current mode and connection, once nothing transient (OTA, SOS) shows. */
  protected steadyLed(): LedState {
    if (this.currentMode === 'dfu') return 'blinking-yellow';
    if (this.currentMode === 'listening') return 'blinking-blue';
    if (!this.session.isOnline) return 'blinking-green';
    return this.currentMode === 'safe' ? 'breathing-magenta' : 'breathing-cyan';
  }
}
