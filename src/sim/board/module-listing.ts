// The module list as Device OS writes it for the `s` listening-mode command
// and the spark/status/safe-mode event (particle-facts §3, §7):
// {"s":size,"l":location,"vc":..,"vv":..,"u":SHA (user parts),"f":..,"n":"i","v":..,"d":[{f,n,v}]}.
// An empty slot has only size, location, checks and no dependencies.
import type { ModuleFunctionName } from '../../core/domain.js';
import type { PlatformInfo } from '../../core/platform.js';
import type { SimModuleSlot } from './contract.js';
import { slotFuncOf } from './slots.js';

export interface ModuleJson {
  s: number;
  l: string;
  vc: number;
  vv: number;
  u?: string;
  f?: string;
  n?: string;
  v?: number;
  d: { f: string; n: string; v: number }[];
}

function letter(func: ModuleFunctionName | undefined): string {
  return func === 'monolithic' ? 'm' : (slotFuncOf(func) ?? 'r');
}

export function moduleJson(slot: SimModuleSlot): ModuleJson {
  const m = slot.module;
  if (!m) return { s: slot.maxSize, l: slot.location, vc: 0, vv: 0, d: [] };
  return {
    s: slot.maxSize, l: slot.location, vc: m.vc, vv: m.vv,
    // Device OS prints the user part's SHA-256 in upper-case hex.
    ...(slot.func === 'u' ? { u: m.info.sha256.toUpperCase() } : {}),
    f: letter(m.info.func), n: String(m.info.index), v: m.info.version,
    d: m.info.dependencies.map((d) => ({ f: letter(d.func), n: String(d.index), v: d.version })),
  };
}

/** `{"p":<platform id>,"m":[...]}`: the system information the `s` command prints as one line. */
export function systemInfoJson(platform: PlatformInfo, slots: readonly SimModuleSlot[]): string {
  return JSON.stringify({ p: platform.id, m: slots.map(moduleJson) });
}

/** Data of spark/status/safe-mode: `{"f":[],"v":{},"p":<platform id>,"m":[...]}` (particle-facts §7). */
export function safeModeEventData(platform: PlatformInfo, slots: readonly SimModuleSlot[]): string {
  return JSON.stringify({ f: [], v: {}, p: platform.id, m: slots.map(moduleJson) });
}
