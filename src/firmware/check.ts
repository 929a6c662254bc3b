// Checks a module against the board it is meant for, before anything is sent:
// the same checks a board makes (integrity, platform, address range), in words
// that say what is wrong and what to do. Dependencies are in dependency.ts.
import type { ModuleInfo } from '../core/domain.js';
import { InputError } from '../core/errors.js';
import type { PlatformInfo } from '../core/platform.js';
import { functionWithArticle, platformLabel } from './names.js';
import { checkPlacement } from './placement.js';
import { hex32, type ModuleProblem } from './problem.js';

export type { ModuleProblem, ProblemKind } from './problem.js';

export type ExpectedModule = 'user-part' | 'system-part' | 'any';

function functionProblem(info: ModuleInfo, expected: ExpectedModule): ModuleProblem | undefined {
  const wanted = expected === 'user-part' ? 'userPart' : expected === 'system-part' ? 'systemPart' : undefined;
  if (!wanted || info.func === wanted) return undefined;
  return {
    kind: 'function',
    message: `${functionWithArticle(info)} where ${functionWithArticle({ func: wanted, funcCode: 0 })} is expected`,
    fix: `give the ${expected === 'user-part' ? 'application (user part)' : 'system part'} binary`,
  };
}

/** Checks that need no board: the length the prefix declares, and the CRC. */
export function checkModuleIntegrity(info: ModuleInfo): ModuleProblem[] {
  const problems: ModuleProblem[] = [];
  const declared = info.endAddress - info.startAddress + 4;
  if (declared !== info.fileSize) {
    problems.push({
      kind: 'length',
      message: `the file is ${info.fileSize} bytes but its prefix says ${declared} (end - start + 4): truncated or padded`,
      fix: 'rebuild or download the file again',
    });
  }
  if (info.crcStored !== info.crcComputed) {
    problems.push({
      kind: 'crc',
      message: `CRC check failed: stored ${hex32(info.crcStored)}, computed ${hex32(info.crcComputed)}: the file is corrupted`,
      fix: 'rebuild or download the file again',
    });
  }
  return problems;
}

export function checkModuleForBoard(info: ModuleInfo, platform: PlatformInfo, expected: ExpectedModule): ModuleProblem[] {
  const problems = checkModuleIntegrity(info);
  const samePlatform = info.platformId === platform.id;
  if (!samePlatform) {
    problems.push({
      kind: 'platform',
      message: `built for ${platformLabel(info.platformId)}, board is ${platform.name} (${platform.id})`,
      fix: `use the build for ${platform.name}`,
    });
  }
  const wrongFunction = functionProblem(info, expected);
  if (wrongFunction) problems.push(wrongFunction);
  // On another platform or in another role, addresses are meaningless noise.
  if (samePlatform && !wrongFunction) problems.push(...checkPlacement(info, platform));
  return problems;
}

/** One InputError for a file, naming every problem; undefined when there are none. */
export function moduleProblemsError(file: string, problems: ModuleProblem[]): InputError | undefined {
  if (problems.length === 0) return undefined;
  const fixes = [...new Set(problems.map((p) => p.fix))];
  return new InputError(problems.map((p) => p.message).join('; '), { file }, fixes.join('; '));
}

/** Throws the InputError for `file` when the module does not fit the board. */
export function assertModuleFitsBoard(file: string, info: ModuleInfo, platform: PlatformInfo, expected: ExpectedModule): void {
  const error = moduleProblemsError(file, checkModuleForBoard(info, platform, expected));
  if (error) throw error;
}
