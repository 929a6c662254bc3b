// `rig firmware info FILE`: everything a module says about itself, checked
// against its own platform's slots, plus the test-app behaviour if it has one.
import type { ModuleInfo } from '../domain.js';
import { InputError } from '../errors.js';
import { platformById } from '../platform.js';
import { type AppBehaviour, decodeBehaviour } from './behaviour.js';
import { checkModuleForBoard, checkModuleIntegrity } from './check.js';
import { platformLabel } from './names.js';
import { readModuleFile } from './parse.js';
import type { ModuleProblem } from './problem.js';

export interface FirmwareInfo {
  file: string;
  info: ModuleInfo;
  problems: ModuleProblem[];
  behaviour: AppBehaviour | undefined;
}

/** Throws InputError only when the file is missing or not a module at all; other faults are `problems`. */
export function firmwareInfo(path: string): FirmwareInfo {
  const { buf, info } = readModuleFile(path);
  const platform = platformById(info.platformId);
  const problems = platform
    ? checkModuleForBoard(info, platform, 'any')
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
