// The running user application, driven by the behaviour descriptor a test
// app carries (src/firmware/behaviour.ts). A foreign binary runs as a quiet
// plain app. Periodic work is batched per wall-clock tick, so an app logging
// fast at a high time scale costs a few timers, not thousands.
import { decodeBehaviour, defaultBehaviour, type AppBehaviour } from '../../firmware/behaviour.js';
import type { ModuleInfo } from '../../domain.js';
import type { Lifetime } from './lifetime.js';
import type { LogLevel } from './log.js';
import type { SimClock } from './contract.js';

export interface AppHost {
  clock: SimClock;
  lifetime: Lifetime;
  log(category: string, level: LogLevel, message: string, atBoardMs?: number): void;
  publish(name: string, data: string): void;
  crash(kind: 'panic' | 'hard_fault'): void;
  fillFs(percent: number): void;
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

/** Runs the app from setup(). `bootAt` is the board time of the boot, for the crash timer. */
export function startApp(b: AppBehaviour, host: AppHost, bootAt: number): void {
  if (b.fillsFs > 0) host.fillFs(b.fillsFs);
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
