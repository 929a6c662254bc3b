// A failed step's cause in the field's own words, built only from evidence
// (evidence.ts): the cloud events since the flash, the board's trace lines
// since the flash, its reset reason, mode and modules, and the app hash the
// step expected and read. Pure, so each rule can be tested on its own.
// Rules are tried in order, the most specific cause first; none firing means
// the evidence shows nothing wrong, and the step says what it saw instead.
import { failedCheckText, hasUserPart, unmetDependencyText, needsNewerSystem } from './modules.js';
import { describeEvent, EVENT, hash8, lastEvent, traceMatching, type Diagnosis, type Evidence, eventsNamed } from './evidence.js';
import { modulesFromJson } from '../../core/module-listing.js';

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

// Causes of a cloud update gone wrong, each read off the event sequence of
// a real update (particle-facts §7) and the board's trace (§8): stalled into
// update_timeout, held back by the app, reported failed, reported success
// without being applied, never started, never finished.
const ABORTING = /aborting transfer/;
const MISSING = /missing chunks starting at (\d+)/;
const TIMED_OUT = /update timed out at chunk (\d+) of (\d+)/;
const OTA_ERROR = /\[comm\.ota\] ERROR: (.*)$/;
const FS_FULL = /no space left|file system (is )?full/i;

function statusEvents(e: Evidence) {
  return eventsNamed(e, EVENT.flashStatus).map((ev) => ({ ev, status: ev.data.trim() }));
}

/** "the running app is still 1a2b3c4d", when the step read it. */
function runningClause(e: Evidence): { text: string; basis: string[] } | undefined {
  const hash = e.runningApp?.hash;
  if (!e.runningApp) return undefined;
  if (hash === undefined) return { text: 'no valid app runs', basis: ['running app: none'] };
  const still = e.flash?.appBefore === undefined || e.flash.appBefore === hash;
  return { text: `the running app is ${still ? 'still ' : ''}${hash8(hash)}`, basis: [`running app ${hash}`] };
}

function abortClause(e: Evidence): { text: string; basis: string[] } | undefined {
  const aborts = traceMatching(e, ABORTING);
  if (aborts.length === 0) return undefined;
  const times = aborts.length === 1 ? 'once' : `${aborts.length} times`;
  return { text: `the board aborted the transfer ${times} ("handle received message failed")`, basis: [`trace: ${aborts[0]}`] };
}

export function updateTimeout(e: Evidence): Diagnosis | undefined {
  const ev = lastEvent(e, EVENT.lastReset);
  if (e.resetReason !== 'update_timeout' && ev?.data !== 'update_timeout') return undefined;
  const basis = [ev ? describeEvent(ev) : 'reset reason update_timeout'];
  let where = '';
  const timedOut = traceMatching(e, TIMED_OUT).at(-1);
  const missing = traceMatching(e, MISSING).at(-1);
  if (timedOut) {
    const m = TIMED_OUT.exec(timedOut)!;
    where = ` at chunk ${m[1]} of ${m[2]}`;
    basis.push(`trace: ${timedOut}`);
  } else if (missing) {
    where = ` at chunk ${MISSING.exec(missing)![1]}`;
    basis.push(`trace: ${missing}`);
  }
  const parts = [`update_timeout: the transfer stalled${where} and the board reset without applying the update`];
  // Chunk 0 is the first one missing, not a count: only a transfer that shows no exchange at all took nothing in.
  const exchanged = missing !== undefined || traceMatching(e, ABORTING).length > 0;
  if (timedOut && TIMED_OUT.exec(timedOut)![1] === '0' && !exchanged) {
    parts.push('not one chunk was taken in, which is what an app that blocks in setup() or loop() without Particle.process() does to the cloud');
  }
  for (const clause of [abortClause(e), runningClause(e)]) {
    if (!clause) continue;
    parts.push(clause.text);
    basis.push(...clause.basis);
  }
  return { text: parts.join('; '), basis };
}

export function updatesHeld(e: Evidence): Diagnosis | undefined {
  const pending = eventsNamed(e, EVENT.updatesPending);
  const last = pending.at(-1);
  if (last?.data.trim() !== 'true') return undefined;
  return {
    text: 'the app disabled updates (System.disableUpdates()): the cloud holds the update as pending',
    basis: [describeEvent(last)],
  };
}

export function otaFailed(e: Evidence): Diagnosis | undefined {
  const failed = statusEvents(e).filter((s) => s.status === 'failed').at(-1);
  const legacy = lastEvent(e, EVENT.otaResult);
  const legacyError = legacy && /"r"\s*:\s*"error"/.test(legacy.data) ? legacy : undefined;
  if (!failed && !legacyError) return undefined;
  const basis = [describeEvent((failed?.ev ?? legacyError)!)];
  const error = traceMatching(e, OTA_ERROR).at(-1);
  if (error) {
    basis.push(`trace: ${error}`);
    return { text: `OTA reported failed: the board refused the image (${OTA_ERROR.exec(error)![1]})`, basis };
  }
  const aborted = abortClause(e);
  if (aborted) return { text: `OTA reported failed: ${aborted.text}`, basis: [...basis, ...aborted.basis] };
  return { text: 'OTA reported failed', basis };
}

export function successNotApplied(e: Evidence): Diagnosis | undefined {
  const success = statusEvents(e).filter((s) => s.status === 'success').at(-1);
  if (!success || !e.expectedApp || !e.runningApp || e.runningApp.hash === e.expectedApp) return undefined;
  const running = runningClause(e)!;
  const basis = [describeEvent(success.ev), ...running.basis, `expected app ${e.expectedApp}`];
  const reset = lastEvent(e, EVENT.lastReset);
  if (reset) basis.push(describeEvent(reset));
  let text = `OTA reported success but ${running.text}: the update was not applied`;
  const full = traceMatching(e, FS_FULL).at(-1);
  if (full) {
    text += '; the flash file system is full, so the downloaded image was never applied';
    basis.push(`trace: ${full}`);
  }
  return { text, basis };
}

export function otaUnfinished(e: Evidence): Diagnosis | undefined {
  if (e.flash?.via !== 'ota' || e.events === undefined) return undefined;
  const statuses = statusEvents(e);
  if (statuses.length === 0) {
    return { text: 'the cloud never started the update: no spark/flash/status event since the flash', basis: ['no spark/flash/status event'] };
  }
  if (statuses.some((s) => s.status === 'success' || s.status === 'failed')) return undefined;
  const parts = ['the OTA started but never finished: neither success nor failed was reported'];
  const basis = [describeEvent(statuses[0]!.ev)];
  const missing = traceMatching(e, MISSING).at(-1);
  if (missing) {
    parts.push(`the last round still missed chunks from ${MISSING.exec(missing)![1]} on`);
    basis.push(`trace: ${missing}`);
  }
  const aborted = abortClause(e);
  if (aborted) {
    parts.push(aborted.text);
    basis.push(...aborted.basis);
  }
  return { text: parts.join('; '), basis };
}
