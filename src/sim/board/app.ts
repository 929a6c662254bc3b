// The user application of one boot, driven by the behaviour descriptor a
// test app carries (src/firmware/behaviour.ts). A foreign binary runs as a
// quiet plain app. Periodic work is batched per wall-clock tick, so an app
// logging fast at a high time scale costs a few timers, not thousands.
//
// Seed 001's product, as a test app can behave (`disables-updates:
// until-called` with `update-function`): setup() calls
// System.disableUpdates() unless a flag in the app's config file says the
// user allowed the update; the update function sets the flag and resets the
// board (System.reset()); the boot that finds the flag leaves updates
// enabled and clears the flag, so the boot after it holds updates again.
import { deviceOsHas } from '../../core/device-os.js';
import { appFunctions, decodeBehaviour, defaultBehaviour, type AppBehaviour } from '../../firmware/behaviour.js';
import type { ModuleInfo } from '../../core/domain.js';
import type { SimClock } from './contract.js';
import type { FileSystem } from './file-system.js';
import type { Lifetime } from './lifetime.js';
import type { LogLevel } from './log.js';

const UPDATE_FLAG = 'update-allowed';

/** Board ms between the update function's return and System.reset(): its return value reaches the cloud first. */
const RESET_AFTER_CALL_MS = 1000;

export interface AppHost {
  clock: SimClock;
  /** The board's Device OS: from 6.2.0 the system thread runs unless the app turns it off. */
  deviceOs: string;
  /** The timers of the boot the app runs in: they end with it. */
  lifetime: Lifetime;
  fs: FileSystem;
  log(category: string, level: LogLevel, message: string, atBoardMs?: number): void;
  publish(name: string, data: string): void;
  crash(kind: 'panic' | 'hard_fault'): void;
  /** System.reset(). */
  reset(): void;
}

/** What the app in `image` does; undefined descriptor or a broken one = plain app. */
export function behaviourOf(image: Buffer | undefined, info: ModuleInfo): AppBehaviour {
  try {
    const b = image ? decodeBehaviour(image) : undefined;
    if (b) return b;
  } catch {
    // A descriptor the firmware tools cannot read: the board still runs the code.
  }
  return { ...defaultBehaviour(info.version), logRate: 0 };
}

/** Calls `fn(atBoardMs)` every `periodMs` of board time, catching up in batches. */
function periodic(host: AppHost, periodMs: number, fn: (at: number) => void): void {
  let next = host.clock.now() + periodMs;
  const tick = Math.max(periodMs, host.clock.scale * 4);
  host.lifetime.every(tick, () => {
    const now = host.clock.now();
    for (let n = 0; next <= now && n < 10_000; n++) {
      fn(next);
      next += periodMs;
    }
  });
}

/** The app of one boot: made when the board boots it, dropped when the boot ends. */
export class AppRun {
  private started = false;
  /** This boot's setup() found the "update allowed" flag: updates stay enabled. */
  private updatesAllowed = false;

  constructor(readonly behaviour: AppBehaviour, private readonly host: AppHost) {}

  /** Runs setup() and then loop(), once per boot. `bootAt` is the board time of the boot, for the crash timer. */
  start(bootAt: number): void {
    if (this.started) return;
    this.started = true;
    const { behaviour: b, host } = this;
    if (b.updateFunction) {
      // Finding the flag uses it up.
      this.updatesAllowed = host.fs.appFlags.delete(UPDATE_FLAG);
      host.log('app', 'INFO', this.updatesAllowed
        ? 'update allowed: updates stay enabled this boot; flag cleared'
        : `System.disableUpdates(): updates wait for ${b.updateFunction}()`);
    }
    if (b.fillsFs > 0) host.fs.fill(Math.max(host.fs.usedPercent, b.fillsFs));
    if (b.crash) {
      const crash = b.crash;
      host.lifetime.after(Math.max(0, bootAt + crash.afterMs - host.clock.now()), () => host.crash(crash.kind));
    }
    // An app stuck in setup() never reaches loop(): no logging, no publishing.
    if (b.blocksCloudInSetup) return;
    if (b.logRate > 0) {
      const message = b.logMessage ?? `app v${b.version} running`;
      periodic(host, 1000 / b.logRate, (at) => host.log('app', 'INFO', message, at));
    }
    if (b.publishes) {
      const { name, periodMs } = b.publishes;
      let count = 0;
      periodic(host, periodMs, () => host.publish(name, String(++count)));
    }
  }

  /**
   * The system thread runs beside the app: the app says SYSTEM_THREAD(ENABLED),
   * or its Device OS enables it by default (6.2.0 on, particle-facts §11).
   */
  get systemThread(): boolean {
    return this.behaviour.systemThread || deviceOsHas(this.host.deviceOs, 'systemThreadByDefault');
  }

  /** False while setup() blocks without a system thread: the cloud gets no processing. */
  cloudServiced(): boolean {
    return !(this.started && this.behaviour.blocksCloudInSetup && !this.systemThread);
  }

  /** The cloud functions the app registered and the cloud can reach (none before setup(), none while it blocks the cloud). */
  functions(): string[] {
    return this.started && this.cloudServiced() ? appFunctions(this.behaviour) : [];
  }

  /** The app keeps updates out: System.disableUpdates() ran, or will in setup(). */
  holdsUpdates(): boolean {
    return this.behaviour.disablesUpdates && !this.updatesAllowed;
  }

  /**
   * A call of the app's one function, the update function: it sets the flag
   * (the config file takes it even when the file system is full) and returns
   * 1; the board resets a moment later.
   */
  call(name: string, arg: string): number {
    this.host.fs.appFlags.add(UPDATE_FLAG);
    this.host.log('app', 'INFO', `${name}(${JSON.stringify(arg)}): update allowed, resetting`);
    this.host.lifetime.after(RESET_AFTER_CALL_MS, () => this.host.reset());
    return 1;
  }
}
