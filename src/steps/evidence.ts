// The evidence a diagnosis rests on, as plain data: what the cloud said since
// the flash, what the board printed, its reset reason, mode and modules, and
// the app hash the step expected and found. diagnose.ts reads only this.
import type { BoardModule, BoardPresence } from '../core/board-contract.js';
import type { FlashMethod, ModuleDependency } from '../core/domain.js';

export interface EvidenceEvent {
  name: string;
  data: string;
}

export interface Evidence {
  /** The flash the evidence follows, if any. */
  flash?: { via: FlashMethod; firmware: string; appBefore?: string; refused?: boolean; needs?: readonly ModuleDependency[] };
  /** Cloud events since the flash (or the plan's start); undefined when the bench has no cloud. */
  events?: readonly EvidenceEvent[];
  /** Trace log lines since the flash (or the plan's start). */
  trace: readonly string[];
  /** The last reset reason reported since the flash. */
  resetReason?: string;
  /** Where the board is now. */
  mode?: BoardPresence;
  modules?: readonly BoardModule[];
  /** SHA-256 (lower-case) the step expected the running app to have. */
  expectedApp?: string;
  /** What runs now; `hash` undefined = no valid app runs. Absent: not read. */
  runningApp?: { hash: string | undefined };
}

/** A plain-words cause and the evidence it rests on. */
export interface Diagnosis {
  text: string;
  basis: string[];
}

export const EVENT = {
  flashStatus: 'spark/flash/status',
  lastReset: 'spark/device/last_reset',
  appHash: 'spark/device/app-hash',
  safeMode: 'spark/status/safe-mode',
  /** online / offline: the board's cloud session. */
  status: 'spark/status',
  otaResult: 'spark/device/ota_result',
  updatesPending: 'particle/device/updates/pending',
} as const;

/** First 8 hex digits: how people quote an app hash. */
export function hash8(hash: string): string {
  return hash.slice(0, 8).toLowerCase();
}

export function eventsNamed(e: Evidence, name: string): EvidenceEvent[] {
  return (e.events ?? []).filter((ev) => ev.name === name);
}

export function lastEvent(e: Evidence, name: string): EvidenceEvent | undefined {
  return eventsNamed(e, name).at(-1);
}

export function describeEvent(ev: EvidenceEvent): string {
  return `event ${ev.name} = ${JSON.stringify(ev.data.length > 80 ? `${ev.data.slice(0, 80)}...` : ev.data)}`;
}

/** Trace lines matching `re`, for quoting. */
export function traceMatching(e: Evidence, re: RegExp): string[] {
  return e.trace.filter((l) => re.test(l));
}
