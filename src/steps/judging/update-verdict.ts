// The truth check of an update: what the cloud or the tool claimed, set
// against the app the board runs afterwards. Pure: the flash's facts and the
// captures since it in, a verdict out. A verdict is settled only when the
// board has had its say: after a reported outcome comes a reset (or, for a
// failure that resets nothing, a quiet spell), so a board still booting the
// old app is never judged early.
import type { FlashMethod } from '../../core/domain.js';
import type { UpdateVerdict } from '../../plan/vocabulary.js';
import { EVENT, type EvidenceEvent } from './evidence.js';

/** A failure with no reset after it is final after this much board time. */
export const FAILED_GRACE_MS = 10_000;
/** A board that went offline after the outcome is rebooting: its reset is waited for this long (a cellular reconnect). */
export const REBOOT_GRACE_MS = 120_000;

export interface UpdateFacts {
  via: FlashMethod;
  /** SHA-256 of the image sent (lower-case). */
  sent: string;
  /** The board or the cloud refused the image outright. */
  refused: boolean;
  /** Cloud events since the flash began; undefined without a cloud. */
  events: readonly EvidenceEvent[] | undefined;
  /** SHA-256 of the app running now; undefined = no valid app runs. */
  running: string | undefined;
  /** Board ms since the last captured event (for the grace after a failure). */
  quietMs: number;
}

export interface Judgement {
  verdict: UpdateVerdict | 'in-progress';
  settled: boolean;
  /** What the cloud (or the tool) said about the update, in order. */
  claims: string[];
}

function claimsOf(events: readonly EvidenceEvent[]): string[] {
  const names: ReadonlySet<string> = new Set([EVENT.flashStatus, EVENT.updatesPending, EVENT.otaResult, EVENT.lastReset]);
  return events.filter((e) => names.has(e.name)).map((e) => `${e.name} ${e.data.trim()}`);
}

function after(events: readonly EvidenceEvent[], index: number, name: string): EvidenceEvent | undefined {
  return events.slice(index + 1).find((e) => e.name === name);
}

/** The cloud's side of an OTA: its last word and whether the board has since reset. */
function otaJudgement(f: UpdateFacts, events: readonly EvidenceEvent[]): Judgement['verdict'] | { settled: false } {
  const timedOut = events.some((e) => e.name === EVENT.lastReset && e.data === 'update_timeout');
  if (timedOut) return 'timed-out';
  const lastIndex = (pred: (e: EvidenceEvent) => boolean): number => events.findLastIndex(pred);
  const outcome = lastIndex((e) => (e.name === EVENT.flashStatus && /^(success|failed)/.test(e.data.trim()))
    || (e.name === EVENT.otaResult && /"r"\s*:\s*"error"/.test(e.data)));
  const started = lastIndex((e) => e.name === EVENT.flashStatus && e.data.trim() === 'started');
  const pending = lastIndex((e) => e.name === EVENT.updatesPending);
  if (outcome < 0) {
    if (pending > started && events[pending]?.data.trim() === 'true') return 'pending';
    return { settled: false };
  }
  const word = events[outcome]!;
  const reset = after(events, outcome, EVENT.lastReset);
  if (word.name === EVENT.flashStatus && word.data.trim().startsWith('success')) {
    // After the reset the board says what it runs (app-hash) or why nothing runs (safe mode).
    const safe = after(events, outcome, EVENT.safeMode);
    // A board read while it reboots shows no app: only safe mode (or a long quiet) says none runs.
    const told = reset && ((after(events, outcome, EVENT.appHash) && f.running !== undefined) || safe || f.quietMs >= FAILED_GRACE_MS);
    return told ? 'reported-success-not-applied' : { settled: false };
  }
  const rebooting = after(events, outcome, 'spark/status') !== undefined;
  return reset || f.quietMs >= (rebooting ? REBOOT_GRACE_MS : FAILED_GRACE_MS) ? 'failed' : { settled: false };
}

export function judgeUpdate(f: UpdateFacts): Judgement {
  const events = f.events ?? [];
  const claims = claimsOf(events);
  if (f.running === f.sent) return { verdict: 'applied', settled: true, claims };
  if (f.refused) return { verdict: 'failed', settled: true, claims };
  if (f.via !== 'ota') return { verdict: 'reported-success-not-applied', settled: true, claims };
  if (!f.events) return { verdict: 'in-progress', settled: false, claims };
  const j = otaJudgement(f, events);
  return typeof j === 'string' ? { verdict: j, settled: true, claims } : { verdict: 'in-progress', settled: false, claims };
}
