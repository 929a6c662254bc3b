// Whether a module the board reports meets a plan's expectation, and the
// words for what differs. An expectation without `location` means the main
// slot: the module that runs, not a backup or factory copy.
import type { BoardModule } from '../../core/board-contract.js';
import { versionSatisfies, type ModuleExpectation } from '../../plan/steps-modules.js';
import type { Cause, CauseKind, Evidence } from './evidence.js';

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

// Why a module table sends a board to safe mode (particle-facts §3, §9): a
// module whose dependency check failed, named with the versions involved,
// or a module failing another check. Pure: modules in, sentences out.
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

// An image that needs more of the board than it has: the image's own
// dependencies (read from the binary the rig sent) against the module table
// the board reports. Explains an update refused or not applied in normal
// mode; safe mode after a wired flash is diagnose.ts's safeMode rule.
function unmetNeeds(e: Evidence): string[] {
  const modules: readonly BoardModule[] = e.modules ?? [];
  const out: string[] = [];
  for (const d of e.flash?.needs ?? []) {
    const system = d.func === 'systemPart';
    if (!system && d.func !== 'bootloader') continue;
    const has = modules.find((m) => m.location === 'main' && (system ? m.func === 'system-part' && m.index === d.index : m.func === 'bootloader'));
    if (!has || has.version >= d.version) continue;
    out.push(`${system ? `system part ${d.index}` : 'the bootloader'} version ${d.version}, board has ${has.version}`);
  }
  return out;
}

export function needsNewerSystem(e: Evidence, named: ReadonlySet<CauseKind>): Cause | undefined {
  const flash = e.flash;
  if (!flash || !e.modules || e.mode === 'safe') return undefined;
  const notRunning = e.runningApp !== undefined && e.expectedApp !== undefined && e.runningApp.hash !== e.expectedApp;
  if (!flash.refused && !notRunning) return undefined;
  const unmet = unmetNeeds(e);
  if (unmet.length === 0) return undefined;
  // A refusal another cause explained (Device OS 6 refusing serial) is not this one's: the image could not run anyway.
  const what = !flash.refused ? `${flash.firmware} (${flash.via}) was not applied`
    : named.has('refused') ? `${flash.firmware} could not have run on the board anyway` : `the board refused ${flash.firmware} (${flash.via})`;
  // What it tells besides: the refusal it explains, or an update not applied (an OTA the board reports failed).
  const also: CauseKind[] = !flash.refused ? ['not-applied', 'ota-failed'] : named.has('refused') ? [] : ['refused'];
  return {
    names: ['dependency', ...also],
    text: `${what}: the image is built against a newer Device OS: it needs ${unmet.join(' and ')}`,
    basis: [`dependencies of the image sent: ${(flash.needs ?? []).map((d) => `${d.func} ${d.index} v${d.version}`).join(', ')}`, 'module table read from the board'],
  };
}
