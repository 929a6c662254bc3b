// The user part a bench board's `sim.app` asks for: a test app with that
// version and behaviour, built with the board's release and depending on
// exactly its system version (as the stock app createSimBoard makes without one).
import { knownRelease } from '../../core/device-os.js';
import { InputError } from '../../core/errors.js';
import { makeTestApp, parseBehaviourMap } from '../../firmware/index.js';
import type { PlatformName } from '../../core/platform.js';
import type { SimBoardSpec } from '../../bench/schema.js';
import { defaultSimDeviceOs } from '../../bench/sim-schema.js';

export function appImage(boardName: string, platform: PlatformName, sim: SimBoardSpec): Buffer {
  const deviceOs = sim.deviceOs ?? defaultSimDeviceOs(platform);
  const system = sim.systemVersion ?? knownRelease(deviceOs).system;
  try {
    const behaviour = sim.app?.behaviour && parseBehaviourMap(sim.app.behaviour);
    return makeTestApp({
      platform,
      deviceOs,
      version: sim.app?.version,
      behaviour,
      depends: [{ func: 'system-part', index: 1, version: system }],
    });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new InputError(`board ${boardName} sim.app: ${err.message.replace(/^--behaviour: /, 'behaviour: ')}`, err.place, err.fix);
  }
}
