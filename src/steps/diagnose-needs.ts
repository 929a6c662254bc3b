// An image that needs more of the board than it has: the image's own
// dependencies (read from the binary the rig sent) against the module table
// the board reports. Explains an update refused or not applied in normal
// mode; safe mode after a wired flash is diagnose.ts's safeMode rule.
import type { BoardModule } from '../core/board-contract.js';
import { type Diagnosis, type Evidence } from './evidence.js';

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

export function needsNewerSystem(e: Evidence): Diagnosis | undefined {
  const flash = e.flash;
  if (!flash || !e.modules || e.mode === 'safe') return undefined;
  const notRunning = e.runningApp !== undefined && e.expectedApp !== undefined && e.runningApp.hash !== e.expectedApp;
  if (!flash.refused && !notRunning) return undefined;
  const unmet = unmetNeeds(e);
  if (unmet.length === 0) return undefined;
  const what = flash.refused ? `the board refused ${flash.firmware} (${flash.via})` : `${flash.firmware} (${flash.via}) was not applied`;
  return {
    text: `${what}: the image is built against a newer Device OS: it needs ${unmet.join(' and ')}`,
    basis: [`dependencies of the image sent: ${(flash.needs ?? []).map((d) => `${d.func} ${d.index} v${d.version}`).join(', ')}`, 'module table read from the board'],
  };
}
