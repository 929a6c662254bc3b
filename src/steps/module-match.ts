// Whether a module the board reports meets a plan's expectation, and the
// words for what differs. An expectation without `location` means the main
// slot: the module that runs, not a backup or factory copy.
import type { BoardModule } from '../core/board-contract.js';
import { versionSatisfies, type ModuleExpectation } from '../plan/steps-modules.js';

const OP_WORDS = { '=': '', '!=': '!=', '>=': '>=', '>': '>', '<=': '<=', '<': '<' } as const;

function slotOf(m: { function: string; index?: number | undefined }): string {
  return `${m.function}${m.index !== undefined ? ` ${m.index}` : ''}`;
}

export function describeExpectation(x: ModuleExpectation): string {
  const parts = [slotOf(x), `in ${x.location ?? 'main'}`];
  if (x.version) parts.push(`version ${OP_WORDS[x.version.op]}${x.version.value}`);
  if (x.dependencies) parts.push(`dependencies ${x.dependencies}`);
  if (x.integrity) parts.push(`integrity ${x.integrity}`);
  return parts.join(', ');
}

export function describeModule(m: BoardModule): string {
  const checks = `dependencies ${m.checks.dependencies ? 'pass' : 'fail'}, integrity ${m.checks.integrity ? 'pass' : 'fail'}`;
  return `${m.func} ${m.index} in ${m.location}, version ${m.version}, ${checks}`;
}

function sameSlot(x: ModuleExpectation, m: BoardModule): boolean {
  return m.func === x.function && (x.index === undefined || m.index === x.index) && m.location === (x.location ?? 'main');
}

/** What about `m` does not meet `x` (empty: it matches). */
export function mismatches(x: ModuleExpectation, m: BoardModule): string[] {
  const out: string[] = [];
  if (x.version && !versionSatisfies(x.version, m.version)) out.push(`version is ${m.version}`);
  if (x.dependencies && m.checks.dependencies !== (x.dependencies === 'pass')) out.push(`dependency check ${m.checks.dependencies ? 'passes' : 'fails'}`);
  if (x.integrity && m.checks.integrity !== (x.integrity === 'pass')) out.push(`integrity check ${m.checks.integrity ? 'passes' : 'fails'}`);
  return out;
}

/** Undefined when some module meets `x`; else why not, in words. */
export function unmetExpectation(x: ModuleExpectation, modules: readonly BoardModule[]): string | undefined {
  const candidates = modules.filter((m) => sameSlot(x, m));
  if (candidates.some((m) => mismatches(x, m).length === 0)) return undefined;
  const first = candidates[0];
  if (!first) return `no ${slotOf(x)} in ${x.location ?? 'main'}`;
  return `${slotOf({ function: first.func, index: first.index })}: ${mismatches(x, first).join(', ')}`;
}
