// Why a module table sends a board to safe mode (particle-facts §3, §9): a
// module whose dependency check failed, named with the versions involved,
// or a module failing another check. Pure: modules in, sentences out.
import type { BoardModule } from '../core/board-contract.js';

const FUNC_WORDS: Record<BoardModule['func'], string> = {
  bootloader: 'bootloader', 'system-part': 'system part', 'user-part': 'user part', monolithic: 'monolithic firmware',
  ncp: 'NCP firmware', 'radio-stack': 'radio stack', unknown: 'module',
};

/** Dependency function names come as 'system-part', 'systemPart' or the JSON letter 's'. */
function dependencyFunc(func: string): BoardModule['func'] {
  const f = func.toLowerCase().replace(/[-_]/g, '');
  if (f === 's' || f === 'systempart') return 'system-part';
  if (f === 'b' || f === 'bootloader') return 'bootloader';
  if (f === 'u' || f === 'userpart') return 'user-part';
  return 'unknown';
}

function moduleName(m: Pick<BoardModule, 'func' | 'index'>): string {
  return m.func === 'system-part' ? `system part ${m.index}` : FUNC_WORDS[m.func];
}

function installed(modules: readonly BoardModule[], func: BoardModule['func'], index: number): BoardModule | undefined {
  return modules.find((m) => m.func === func && m.location === 'main' && (func !== 'system-part' || m.index === index));
}

/** "user part needs system part 2 version 1406, board has 1104", one per unmet dependency. */
export function unmetDependencyText(modules: readonly BoardModule[]): string[] {
  const out: string[] = [];
  for (const m of modules) {
    if (m.location !== 'main' || m.checks.dependencies) continue;
    let named = false;
    for (const d of m.dependencies) {
      const func = dependencyFunc(d.func);
      const has = installed(modules, func, d.index)?.version;
      if (has !== undefined && has >= d.version) continue;
      out.push(`${moduleName(m)} needs ${moduleName({ func, index: d.index })} version ${d.version}, board has ${has ?? 'none'}`);
      named = true;
    }
    if (!named) out.push(`${moduleName(m)} fails its dependency check`);
  }
  return out;
}

/** Other failed checks of the modules in their main slots. */
export function failedCheckText(modules: readonly BoardModule[]): string[] {
  const out: string[] = [];
  for (const m of modules) {
    if (m.location !== 'main') continue;
    if (!m.checks.integrity) out.push(`${moduleName(m)} fails its integrity check (CRC)`);
    if (!m.checks.platform) out.push(`${moduleName(m)} is built for another platform`);
    if (!m.checks.range) out.push(`${moduleName(m)} does not fit its address range`);
  }
  return out;
}

/** Whether the table has a user part in its main slot at all. */
export function hasUserPart(modules: readonly BoardModule[]): boolean {
  return modules.some((m) => m.func === 'user-part' && m.location === 'main');
}
