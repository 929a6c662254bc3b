// The user part a bench board's `sim.app` asks for: a test app with that
// version and behaviour, depending on exactly the board's system version
// (as the stock app createSimBoard makes without one).
import { InputError } from '../../core/errors.js';
import { makeTestApp, parseBehaviourMap } from '../../firmware/index.js';
import { PLATFORMS, type PlatformName } from '../../core/platform.js';
import type { SimBoardSpec } from '../../bench/schema.js';
import { osModuleVersions } from '../board/versions.js';

/** The Device OS createSimBoard assumes when the bench names none. */
function defaultDeviceOs(platform: PlatformName): string {
  return PLATFORMS[platform].generation === 4 ? '5.0.0' : '1.5.2';
}

export function appImage(boardName: string, platform: PlatformName, sim: SimBoardSpec): Buffer {
  const system = sim.systemVersion ?? osModuleVersions(sim.deviceOs ?? defaultDeviceOs(platform)).system;
  try {
    const behaviour = sim.app?.behaviour && parseBehaviourMap(sim.app.behaviour);
    return makeTestApp({
      platform,
      version: sim.app?.version,
      behaviour,
      depends: [{ func: 'system-part', index: 1, version: system }],
    });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new InputError(`board ${boardName} sim.app: ${err.message.replace(/^--behaviour: /, 'behaviour: ')}`, err.place, err.fix);
  }
}
