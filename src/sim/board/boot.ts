// What a board boots into, from the checks of its modules: a system part
// that fails its checks leaves only the DFU bootloader; a user part that is
// missing or fails any check (most often its dependency on a newer system
// part) means safe mode (particle-facts §3, §9).
import { checkSlot, passes, type CheckedOn } from './module-checks.js';
import type { Slot } from './slots.js';

export type BootTarget = 'normal' | 'safe' | 'dfu';

export interface BootDecision {
  target: BootTarget;
  /** Why the board did not boot normally, in plain words. */
  reasons: string[];
}

export function decideBoot(slots: readonly Slot[], on: CheckedOn, requested: BootTarget): BootDecision {
  const systemMismatch: string[] = [];
  for (const slot of slots) {
    if (slot.func !== 's' || slot.location !== 'm') continue;
    const r = checkSlot(slot, on, slots);
    // A broken system part cannot run; a dependency mismatch alone still boots (into safe mode below).
    if (!slot.module || (r && (r.vv | 4) !== r.vc)) {
      return { target: 'dfu', reasons: [`system part ${slot.index} is not valid: ${r?.failures.join('; ') ?? 'empty'}`] };
    }
    if (r && !passes(r)) systemMismatch.push(...r.failures.map((f) => `system part ${slot.index}: ${f}`));
  }
  if (requested === 'dfu') return { target: 'dfu', reasons: ['DFU mode requested'] };
  const user = slots.find((s) => s.func === 'u' && s.location === 'm');
  const r = user ? checkSlot(user, on, slots) : undefined;
  if (!r) return { target: 'safe', reasons: ['no user part'] };
  if (!passes(r) || systemMismatch.length > 0) return { target: 'safe', reasons: [...r.failures, ...systemMismatch] };
  if (requested === 'safe') return { target: 'safe', reasons: ['safe mode requested'] };
  return { target: 'normal', reasons: [] };
}
