// A failed step's cause in the field's own words, built only from evidence
// (evidence.ts): the cloud events since the flash, the board's trace lines
// since the flash, its reset reason, mode and modules, and the app hash the
// step expected and read. Pure, so each rule can be tested on its own.
// Rules are tried in order, the most specific cause first; none firing means
// the evidence shows nothing wrong, and the step says what it saw instead.
import { failedCheckText, hasUserPart, unmetDependencyText } from './diagnose-modules.js';
import { needsNewerSystem } from './diagnose-needs.js';
import { otaFailed, otaUnfinished, successNotApplied, updatesHeld, updateTimeout } from './diagnose-ota.js';
import { describeEvent, EVENT, hash8, lastEvent, traceMatching, type Diagnosis, type Evidence } from './evidence.js';
import { modulesFromJson } from '../core/module-listing.js';

export type { Diagnosis, Evidence } from './evidence.js';

function safeMode(e: Evidence): Diagnosis | undefined {
  const event = lastEvent(e, EVENT.safeMode);
  if (e.mode !== 'safe' && !(e.mode === undefined && event)) return undefined;
  const basis = [e.mode === 'safe' ? 'board mode: safe' : describeEvent(event!)];
  const modules = e.modules ?? (event ? modulesFromJson(event.data) : undefined);
  if (!modules) return { text: 'board is in safe mode; its modules could not be read to say why', basis };
  basis.push(e.modules ? 'module table read from the board' : `module table from ${EVENT.safeMode}`);
  const unmet = unmetDependencyText(modules);
  if (unmet.length > 0) return { text: `board entered safe mode: ${unmet.join('; ')}`, basis };
  const failed = failedCheckText(modules);
  if (failed.length > 0) return { text: `board entered safe mode: ${failed.join('; ')}`, basis };
  if (!hasUserPart(modules)) return { text: 'board is in safe mode: it has no user part', basis };
  return { text: 'board is in safe mode although every module passes its checks (safe mode was requested)', basis };
}

function panic(e: Evidence): Diagnosis | undefined {
  const line = traceMatching(e, /\] PANIC:/).at(-1);
  const reason = e.resetReason ?? lastEvent(e, EVENT.lastReset)?.data;
  if (!line && reason !== 'panic, hard_fault') return undefined;
  return {
    text: `the board panicked${line ? ` (${line.replace(/^\d+\s+/, '')})` : ''} and reset`,
    basis: [line ? `trace: ${line}` : `reset reason ${reason}`],
  };
}

/** A DFU, serial or USB flash after which the old app (or none) still runs. */
function wiredNotApplied(e: Evidence): Diagnosis | undefined {
  const flash = e.flash;
  if (!flash || flash.via === 'ota' || !e.expectedApp || !e.runningApp || e.runningApp.hash === e.expectedApp) return undefined;
  const hash = e.runningApp.hash;
  const basis = [`flash of ${flash.firmware} via ${flash.via}`, hash ? `running app ${hash}` : 'running app: none'];
  if (hash === undefined) return { text: `no valid app runs after the ${flash.via} flash of ${flash.firmware}`, basis };
  if (hash !== flash.appBefore) return undefined;
  return { text: `the running app is still ${hash8(hash)} from before the ${flash.via} flash: the new image did not take effect`, basis };
}

const RULES: readonly ((e: Evidence) => Diagnosis | undefined)[] = [
  safeMode, panic, updateTimeout, needsNewerSystem, updatesHeld, otaFailed, successNotApplied, otaUnfinished, wiredNotApplied,
];

/** The cause the evidence shows, or undefined when it shows nothing wrong. */
export function diagnose(e: Evidence): Diagnosis | undefined {
  for (const rule of RULES) {
    const d = rule(e);
    if (d) return d;
  }
  return undefined;
}
