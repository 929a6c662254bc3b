// How modules and platforms are named in messages and in `firmware info`.
import type { ModuleFunctionName, ModuleInfo } from '../core/domain.js';
import { platformById } from '../core/platform.js';

const FUNCTION_WORDS: Record<ModuleFunctionName, string> = {
  bootloader: 'bootloader', monolithic: 'monolithic firmware', systemPart: 'system part',
  userPart: 'user part', ncp: 'NCP firmware', radioStack: 'radio stack', asset: 'asset',
};

/** "system part"; undefined for a function code the domain does not know. */
export function functionWord(func: ModuleFunctionName | undefined): string | undefined {
  return func && FUNCTION_WORDS[func];
}

/** "a system part", "an NCP firmware", "a module of function 17". */
export function functionWithArticle(info: Pick<ModuleInfo, 'func' | 'funcCode'>): string {
  const word = functionWord(info.func);
  if (!word) return `a module of function ${info.funcCode}`;
  // "an asset", "an NCP firmware", but "a user part": by sound, not by letter.
  return `${/^(?:[aeio]|NCP)/.test(word) ? 'an' : 'a'} ${word}`;
}

/** "argon (12)", "an unknown platform (99)". */
export function platformLabel(id: number): string {
  const p = platformById(id);
  return p ? `${p.name} (${id})` : `an unknown platform (${id})`;
}
