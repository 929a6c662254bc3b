// Module dependencies: the system parts a user part needs, as the prefix
// records them, and whether a board's system parts satisfy them (a board
// whose user part fails this check boots into safe mode, particle-facts §9).
import type { ModuleInfo } from '../core/domain.js';
import { InputError } from '../core/errors.js';
import { knownRelease } from '../core/device-os.js';
import { PLATFORMS, type Generation, type PlatformName } from '../core/platform.js';

export interface SystemDependency {
  func: 'system-part';
  index: number;
  version: number;
}

/**
 * The Device OS release a test app is built with when nobody says: one
 * every board of the generation can run, so a default test app never lands
 * in safe mode: 1.1.0, the first release shared by all Gen2 and Gen3
 * platforms; 5.0.0, the first general release for the P2 (the release table,
 * src/core/device-os.ts).
 */
const DEFAULT_APP_RELEASE: Record<Generation, string> = { 2: '1.1.0', 3: '1.1.0', 4: '5.0.0' };

export function defaultAppRelease(platform: PlatformName): string {
  return DEFAULT_APP_RELEASE[PLATFORMS[platform].generation];
}

/** What an app built with `release` depends on: system part 1 of that release. */
export function releaseDependency(release: string): SystemDependency {
  return { func: 'system-part', index: 1, version: knownRelease(release).system };
}

export function defaultSystemDependency(platform: PlatformName): SystemDependency {
  return releaseDependency(defaultAppRelease(platform));
}

const DEPENDENCY = /^system(?:-?part-?(\d+))?@(\d+)$/i;

/** "system@1406" (system part 1) or "system-part2@1406", as the CLI takes them. */
export function parseDependency(text: string): SystemDependency {
  const m = DEPENDENCY.exec(text.trim());
  const index = Number(m?.[1] ?? 1);
  const version = Number(m?.[2]);
  if (!m || index < 1 || index > 255 || version > 0xffff) {
    throw new InputError(`bad dependency "${text}"`, undefined,
      'expected system@VERSION or system-partN@VERSION, e.g. system-part2@1406 (N 1-255, VERSION 0-65535)');
  }
  return { func: 'system-part', index, version };
}

export interface SystemPartVersion {
  index: number;
  version: number;
}

export interface UnmetDependency {
  index: number;
  needs: number;
  /** The board's version of that part; undefined when the board has none. */
  has: number | undefined;
  message: string;
}

/** The system-part dependencies of `info` that `systemParts` do not meet. */
export function unmetDependencies(info: ModuleInfo, systemParts: SystemPartVersion[]): UnmetDependency[] {
  const unmet: UnmetDependency[] = [];
  for (const dep of info.dependencies) {
    if (dep.func !== 'systemPart') continue;
    const has = systemParts.find((p) => p.index === dep.index)?.version;
    if (has !== undefined && has >= dep.version) continue;
    const what = info.func === 'userPart' ? 'user part' : (info.func ?? 'module');
    unmet.push({
      index: dep.index, needs: dep.version, has,
      message: `${what} needs system part ${dep.index} version ${dep.version}, board has ${has ?? 'none'}`,
    });
  }
  return unmet;
}

export function dependencySatisfied(info: ModuleInfo, systemParts: SystemPartVersion[]): boolean {
  return unmetDependencies(info, systemParts).length === 0;
}
