// Seed 001's product, as a test app can behave (`disables-updates:
// until-called` with `update-function`): setup() calls
// System.disableUpdates() unless a flag in the app's config file says the
// user allowed the update; the update function sets the flag and resets the
// board (System.reset()); the boot that finds the flag leaves updates
// enabled and clears the flag, so the boot after it holds updates again.
import type { AppBehaviour } from '../../firmware/behaviour.js';
import type { FileSystem } from './file-system.js';

export const UPDATE_FLAG = 'update-allowed';

/** Board ms between the function's return and System.reset(): its return value reaches the cloud first. */
export const RESET_AFTER_CALL_MS = 1000;

/** setup(): whether this boot lets updates in. Finding the flag uses it up. */
export function updatesAllowedThisBoot(app: AppBehaviour, fs: FileSystem): boolean {
  return app.updateFunction !== undefined && fs.appFlags.delete(UPDATE_FLAG);
}

/** The trace line setup() prints about it. */
export function setupLine(app: AppBehaviour, allowed: boolean): string {
  return allowed
    ? 'update allowed: updates stay enabled this boot; flag cleared'
    : `System.disableUpdates(): updates wait for ${app.updateFunction ?? 'the user'}()`;
}

/** The running app keeps updates out (System.disableUpdates() ran, or will in setup()). */
export function holdsUpdates(app: AppBehaviour | undefined, allowedThisBoot: boolean): boolean {
  return app?.disablesUpdates === true && !allowedThisBoot;
}

/** The update function's body: sets the flag and returns 1; the board resets a moment later. */
export function allowUpdate(fs: FileSystem): number {
  fs.appFlags.add(UPDATE_FLAG);
  return 1;
}
