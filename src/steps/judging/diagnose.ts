// A failed step's or a failed update's causes in the field's own words,
// built only from evidence (evidence.ts): the cloud events and trace lines
// of the flash's window, what the tool or the board said of the flash, its
// reset reason, mode and modules, and the app hash the step expected and
// read. Pure, so each rule can be tested on its own. Every rule is tried,
// the most specific first, and the diagnosis names every cause that fires:
// an image refused over serial and built for a newer Device OS is both.
// Each rule is told which kinds the causes before it named, so a cause is
// told once (a stall that quotes the aborted transfers has named the link).
// None firing means the evidence shows nothing wrong, and the step says what
// it saw instead. Causes the step established outside the captures (the
// fault the plan armed, where it fired) come in the evidence's `known` and
// are named first; a caller with a rule of its own passes its own list.
import { failedCheckText, hasUserPart, unmetDependencyText, needsNewerSystem } from './modules.js';
import { describeEvent, hash8, lastEvent, traceMatching, type Cause, type CauseKind, type CauseRule, type Diagnosis, type Evidence } from './evidence.js';
import { EVENT } from './cloud-events.js';
import { otaFailed, otaUnfinished, successNotApplied, updatesHeld, updateTimeout } from './ota-causes.js';
import { fileSystemFull, imageTooBig, lostData, refusedInWords, serialUnsupported } from './transfer-causes.js';
import { modulesFromJson } from '../../core/module-listing.js';

export type { Cause, CauseKind, CauseRule, Diagnosis, Evidence } from './evidence.js';

function safeMode(e: Evidence): Cause | undefined {
  const event = lastEvent(e, EVENT.safeMode);
  if (e.mode !== 'safe' && !(e.mode === undefined && event)) return undefined;
  const basis = [e.mode === 'safe' ? 'board mode: safe' : describeEvent(event!)];
  const modules = e.modules ?? (event ? modulesFromJson(event.data) : undefined);
  // In safe mode the app does not run: that is the update not applied.
  const names: CauseKind[] = ['safe-mode', 'not-applied'];
  if (!modules) return { names, text: 'board is in safe mode; its modules could not be read to say why', basis };
  basis.push(e.modules ? 'module table read from the board' : `module table from ${EVENT.safeMode}`);
  const unmet = unmetDependencyText(modules);
  if (unmet.length > 0) return { names: [...names, 'dependency'], text: `board entered safe mode: ${unmet.join('; ')}`, basis };
  const failed = failedCheckText(modules);
  if (failed.length > 0) return { names, text: `board entered safe mode: ${failed.join('; ')}`, basis };
  if (!hasUserPart(modules)) return { names, text: 'board is in safe mode: it has no user part', basis };
  return { names, text: 'board is in safe mode although every module passes its checks (safe mode was requested)', basis };
}

function panic(e: Evidence): Cause | undefined {
  const line = traceMatching(e, /\] PANIC:/).at(-1);
  const reason = e.resetReason ?? lastEvent(e, EVENT.lastReset)?.data;
  if (!line && reason !== 'panic, hard_fault') return undefined;
  return {
    names: ['panic'],
    text: `the board panicked${line ? ` (${line.replace(/^\d+\s+/, '')})` : ''} and reset`,
    basis: [line ? `trace: ${line}` : `reset reason ${reason}`],
  };
}

/** A DFU, serial or USB flash after which the old app (or none) still runs. */
function wiredNotApplied(e: Evidence, named: ReadonlySet<CauseKind>): Cause | undefined {
  const flash = e.flash;
  if (named.has('not-applied') || !flash || flash.via === 'ota' || !e.expectedApp || !e.runningApp || e.runningApp.hash === e.expectedApp) return undefined;
  const hash = e.runningApp.hash;
  const basis = [`flash of ${flash.firmware} via ${flash.via}`, hash ? `running app ${hash}` : 'running app: none'];
  if (hash === undefined) return { names: ['not-applied'], text: `no valid app runs after the ${flash.via} flash of ${flash.firmware}`, basis };
  if (hash !== flash.appBefore) return undefined;
  return { names: ['not-applied'], text: `the running app is still ${hash8(hash)} from before the ${flash.via} flash: the new image did not take effect`, basis };
}

/** The rules in the order their causes are told: the board's state, then the flash's, then what the transfer met. */
export const CAUSE_RULES: readonly CauseRule[] = [
  safeMode, panic, serialUnsupported, imageTooBig, needsNewerSystem, updateTimeout, updatesHeld, otaFailed, successNotApplied,
  otaUnfinished, wiredNotApplied, refusedInWords, fileSystemFull, lostData,
];

/** Every cause the evidence holds (its `known` ones first), or undefined when it shows nothing wrong. */
export function diagnose(e: Evidence, rules: readonly CauseRule[] = CAUSE_RULES): Diagnosis | undefined {
  const causes: Cause[] = [...(e.known ?? [])];
  const named = new Set<CauseKind>(causes.flatMap((c) => c.names));
  for (const rule of rules) {
    const cause = rule(e, named);
    if (!cause) continue;
    causes.push(cause);
    for (const kind of cause.names) named.add(kind);
  }
  if (causes.length === 0) return undefined;
  return { text: causes.map((c) => c.text).join('; '), basis: [...new Set(causes.flatMap((c) => c.basis))], causes: [...named] };
}
