// The simulated board's life: power, resets and re-enumeration, mode
// changes, boot checks, the app and the cloud session. OTA, DFU and installs
// live in sim-board.ts; what can be observed lives in board-state.ts.
import type { ResetReason, BoardMode } from '../../domain.js';
import type { LinkOptions } from '../network/link.js';
import { appFunctions } from '../../firmware/behaviour.js';
import { behaviourOf, startApp } from './app.js';
import { BoardState, type BoardParts } from './board-state.js';
import { decideBoot, type BootTarget } from './boot.js';
import { CloudSession } from './cloud-session.js';
import { Lifetime } from './lifetime.js';
import { safeModeEventData } from './module-listing.js';
import { userSlot } from './slots.js';
import { REENUMERATE_MS, SOS_MS } from './board-durations.js';
import type { FunctionCallResult } from './contract.js';
import { allowUpdate, RESET_AFTER_CALL_MS, setupLine, updatesAllowedThisBoot } from './update-request.js';

export type { BoardParts } from './board-state.js';

export class BoardCore extends BoardState {
  protected lifetime: Lifetime;
  protected session: CloudSession;
  private resetReported = false;
  private modeBeforeListening: BoardMode = 'normal';
  private appStarted = false;
  /** This boot's setup() found the app's "update allowed" flag (update-request.ts). */
  protected updatesAllowedByApp = false;

  constructor(p: BoardParts) {
    super(p);
    this.lifetime = new Lifetime(this.clock);
    this.lifetime.end();
    this.session = this.newSession();
  }

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
    this.updatesAllowedByApp = false;
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
    if (this.app.updateFunction) {
      this.updatesAllowedByApp = updatesAllowedThisBoot(this.app, this.fs);
      this.log('app', 'INFO', setupLine(this.app, this.updatesAllowedByApp));
    }
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

  /** The cloud functions the running app registered and the cloud can reach (none while setup() blocks it). */
  cloudFunctions(): string[] {
    if (this.currentMode !== 'normal' || !this.app || !this.appStarted || !this.cloudServiced()) return [];
    return appFunctions(this.app);
  }

  /** A cloud function call, as the device answers it. A test app's only function is its update function. */
  callFunction(name: string, arg: string): FunctionCallResult {
    if (!this.cloudConnected) return { ok: false, reason: 'offline' };
    if (!this.cloudFunctions().includes(name)) return { ok: false, reason: 'unknown' };
    const returnValue = allowUpdate(this.fs);
    this.log('app', 'INFO', `${name}(${JSON.stringify(arg)}): update allowed, resetting`);
    this.lifetime.after(RESET_AFTER_CALL_MS, () => this.reset('user'));
    return { ok: true, returnValue };
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
    if (this.currentMode === 'safe') this.publish('spark/status/safe-mode', safeModeEventData(this.platform, this.slots()));
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
