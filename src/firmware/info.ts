// `rig firmware info FILE`: everything a module says about itself, checked
// against its own platform's slots, plus the test-app behaviour if it has one.
import type { ModuleInfo } from '../core/domain.js';
import { InputError } from '../core/errors.js';
import { PLATFORM_NAMES, platformById, platformByName, type PlatformInfo } from '../core/platform.js';
import { type AppBehaviour, decodeBehaviour } from './behaviour.js';
import { checkModuleForBoard, checkModuleIntegrity, type ExpectedModule } from './check.js';
import { platformLabel } from './names.js';
import { readModuleFile } from './parse.js';
import type { ModuleProblem } from './problem.js';

export interface FirmwareInfo {
  file: string;
  info: ModuleInfo;
  problems: ModuleProblem[];
  behaviour: AppBehaviour | undefined;
}

export interface FirmwareInfoOptions {
  /** Check against this platform (a name, as `--platform` gives it) instead of the module's own. */
  platform?: string;
  /** Default 'any'. */
  expected?: ExpectedModule;
}

function boardPlatform(name: string): PlatformInfo {
  const platform = platformByName(name);
  if (!platform) throw new InputError(`--platform: unknown platform "${name}"`, undefined, `one of ${PLATFORM_NAMES.join(', ')}`);
  return platform;
}

/**
 * Throws InputError only when the file is missing or not a module at all, or
 * the platform name is unknown; every other fault is one of `problems`.
 */
export function firmwareInfo(path: string, options: FirmwareInfoOptions = {}): FirmwareInfo {
  const against = options.platform === undefined ? undefined : boardPlatform(options.platform);
  const { buf, info } = readModuleFile(path);
  const platform = against ?? platformById(info.platformId);
  const problems = platform
    ? checkModuleForBoard(info, platform, options.expected ?? 'any')
    : [...checkModuleIntegrity(info), {
        kind: 'platform' as const,
        message: `built for ${platformLabel(info.platformId)}: the rig knows no such board`,
        fix: 'use a build for a platform in the rig\'s table',
      }];
  let behaviour: AppBehaviour | undefined;
  try {
    behaviour = decodeBehaviour(buf, path);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    problems.push({ kind: 'behaviour', message: err.message, fix: err.fix ?? 'rebuild it' });
  }
  return { file: path, info, problems, behaviour };
}
