// Causes of a cloud update gone wrong, each read off the event sequence of
// a real update (particle-facts §7) and the board's trace (§8): stalled into
// update_timeout, held back by the app, reported failed, reported success
// without being applied, never started, never finished. Each names what its
// words already cover, so the causes after it are not told twice: a stall
// ends the transfer (it is the reason it failed and never finished) and,
// when it quotes the missing chunks or the aborts, names the link as well.
import type { Cause, CauseKind, Evidence } from './evidence.js';
import { EVENT } from './cloud-events.js';
import { describeEvent, eventsNamed, hash8, lastEvent, traceMatching } from './evidence.js';

const ABORTING = /aborting transfer/;
const MISSING = /missing chunks starting at (\d+)/;
const TIMED_OUT = /update timed out at chunk (\d+) of (\d+)/;
const OTA_ERROR = /\[comm\.ota\] ERROR: (.*)$/;

interface Clause {
  text: string;
  basis: string[];
}

function statusEvents(e: Evidence) {
  return eventsNamed(e, EVENT.flashStatus).map((ev) => ({ ev, status: ev.data.trim() }));
}

/** "the running app is still 1a2b3c4d", when the step read it. */
function runningClause(e: Evidence): Clause | undefined {
  const hash = e.runningApp?.hash;
  if (!e.runningApp) return undefined;
  if (hash === undefined) return { text: 'no valid app runs', basis: ['running app: none'] };
  const still = e.flash?.appBefore === undefined || e.flash.appBefore === hash;
  return { text: `the running app is ${still ? 'still ' : ''}${hash8(hash)}`, basis: [`running app ${hash}`] };
}

/** The board gave up on the transfer (the link lost its messages). */
export function abortClause(e: Evidence): Clause | undefined {
  const aborts = traceMatching(e, ABORTING);
  if (aborts.length === 0) return undefined;
  const times = aborts.length === 1 ? 'once' : `${aborts.length} times`;
  return { text: `the board aborted the transfer ${times} ("handle received message failed")`, basis: [`trace: ${aborts[0]}`] };
}

/** Chunks the last round still missed (the link lost them). */
export function missingClause(e: Evidence): Clause | undefined {
  const missing = traceMatching(e, MISSING).at(-1);
  if (!missing) return undefined;
  return { text: `the last round still missed chunks from ${MISSING.exec(missing)![1]} on`, basis: [`trace: ${missing}`] };
}

export function updateTimeout(e: Evidence): Cause | undefined {
  const ev = lastEvent(e, EVENT.lastReset);
  if (e.resetReason !== 'update_timeout' && ev?.data !== 'update_timeout') return undefined;
  const names: CauseKind[] = ['stall', 'ota-failed', 'ota-unfinished'];
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
    names.push('link');
  }
  const parts = [`update_timeout: the transfer stalled${where} and the board reset without applying the update`];
  // Chunk 0 is the first one missing, not a count: only a transfer that shows no exchange at all took nothing in.
  const exchanged = missing !== undefined || traceMatching(e, ABORTING).length > 0;
  if (timedOut && TIMED_OUT.exec(timedOut)![1] === '0' && !exchanged) {
    parts.push('not one chunk was taken in, which is what an app that blocks in setup() or loop() without Particle.process() does to the cloud');
  }
  const aborted = abortClause(e);
  if (aborted) names.push('link');
  for (const clause of [aborted, runningClause(e)]) {
    if (!clause) continue;
    parts.push(clause.text);
    basis.push(...clause.basis);
  }
  return { names, text: parts.join('; '), basis };
}

export function updatesHeld(e: Evidence): Cause | undefined {
  const pending = eventsNamed(e, EVENT.updatesPending);
  const last = pending.at(-1);
  if (last?.data.trim() !== 'true') return undefined;
  return {
    // Held is why the transfer never started.
    names: ['updates-held', 'ota-unfinished'],
    text: 'the app disabled updates (System.disableUpdates()): the cloud holds the update as pending',
    basis: [describeEvent(last)],
  };
}

export function otaFailed(e: Evidence, named: ReadonlySet<CauseKind>): Cause | undefined {
  if (named.has('ota-failed')) return undefined;
  const failed = statusEvents(e).filter((s) => s.status === 'failed').at(-1);
  const legacy = lastEvent(e, EVENT.otaResult);
  const legacyError = legacy && /"r"\s*:\s*"error"/.test(legacy.data) ? legacy : undefined;
  if (!failed && !legacyError) return undefined;
  // A reported failure is the transfer's end.
  const names: CauseKind[] = ['ota-failed', 'ota-unfinished'];
  const basis = [describeEvent((failed?.ev ?? legacyError)!)];
  const error = traceMatching(e, OTA_ERROR).at(-1);
  if (error) {
    basis.push(`trace: ${error}`);
    return { names: [...names, 'refused'], text: `OTA reported failed: the board refused the image (${OTA_ERROR.exec(error)![1]})`, basis };
  }
  const aborted = abortClause(e);
  if (aborted) return { names: [...names, 'link'], text: `OTA reported failed: ${aborted.text}`, basis: [...basis, ...aborted.basis] };
  return { names, text: 'OTA reported failed', basis };
}

export function successNotApplied(e: Evidence, named: ReadonlySet<CauseKind>): Cause | undefined {
  if (named.has('not-applied')) return undefined;
  const success = statusEvents(e).filter((s) => s.status === 'success').at(-1);
  if (!success || !e.expectedApp || !e.runningApp || e.runningApp.hash === e.expectedApp) return undefined;
  const running = runningClause(e)!;
  const basis = [describeEvent(success.ev), ...running.basis, `expected app ${e.expectedApp}`];
  const reset = lastEvent(e, EVENT.lastReset);
  if (reset) basis.push(describeEvent(reset));
  return { names: ['not-applied'], text: `OTA reported success but ${running.text}: the update was not applied`, basis };
}

export function otaUnfinished(e: Evidence, named: ReadonlySet<CauseKind>): Cause | undefined {
  if (named.has('ota-unfinished') || e.flash?.via !== 'ota' || e.events === undefined) return undefined;
  const statuses = statusEvents(e);
  if (statuses.length === 0) {
    return { names: ['ota-unfinished'], text: 'the cloud never started the update: no spark/flash/status event since the flash', basis: ['no spark/flash/status event'] };
  }
  if (statuses.some((s) => s.status === 'success' || s.status === 'failed')) return undefined;
  const names: CauseKind[] = ['ota-unfinished'];
  const parts = ['the OTA started but never finished: neither success nor failed was reported'];
  const basis = [describeEvent(statuses[0]!.ev)];
  for (const clause of [missingClause(e), abortClause(e)]) {
    if (!clause) continue;
    parts.push(clause.text);
    basis.push(...clause.basis);
    if (!names.includes('link')) names.push('link');
  }
  return { names, text: parts.join('; '), basis };
}
