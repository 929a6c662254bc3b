// After an update, the rig's truth check on the board: the app it runs now
// against the image sent, what the cloud or the tool claimed, where the board
// ended, and, for anything but "applied", a one-paragraph diagnosis that
// names the evidence it rests on. Used by flash (with expect) and expect-app.
import type { BoardPresence, RunningApp } from '../../core/board-contract.js';
import type { FlashMethod, StepResult } from '../../core/domain.js';
import type { UpdateVerdict } from '../../plan/vocabulary.js';
import type { LastFlash, StepContext } from '../context.js';
import { diagnose } from './diagnose.js';
import { EVENT, hash8, boardEvidence, captureEvidence, type Cause } from './evidence.js';
import { flashEvents } from './flash-window.js';
import { judgeUpdate, type Judgement } from './update-verdict.js';

export interface UpdateSummary {
  /** Which flash of the board in this run this is (LastFlash.id): steps telling the same update share it, no two updates do. */
  flashId: number;
  firmware: string;
  via: FlashMethod;
  verdict: UpdateVerdict | 'in-progress';
  /** SHA-256 of the image sent, and of the app that runs (null: none). */
  sent: string;
  running: string | null;
  /** What the cloud or the tool said, in order. */
  claims: string[];
  /** Where the board was when an OTA was sent, and where it is now. */
  from?: BoardPresence;
  mode?: BoardPresence;
  /** Board time from spark/flash/status started to the cloud's last word (OTA). */
  transferMs?: number;
  diagnosis?: string;
  basis?: string[];
}

async function quietly<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/** Board ms between `started` and the cloud's last word on the transfer. */
function transferMs(ctx: StepContext, flash: LastFlash): number | undefined {
  const status = (flashEvents(ctx, flash) ?? []).filter((e) => e.name === EVENT.flashStatus);
  const start = status.findLast((e) => e.data.trim() === 'started');
  const end = start && status.find((e) => e.seq > start.seq && e.data.trim() !== 'started');
  return start && end ? ctx.clock.boardMs(end.at - start.at) : undefined;
}

/** What the cloud last heard the board run since the flash (spark/device/app-hash after a reset). */
function cloudRunning(ctx: StepContext, flash: LastFlash): string | undefined {
  const events = flashEvents(ctx, flash) ?? [];
  const reset = events.findLastIndex((e) => e.name === EVENT.lastReset);
  if (reset < 0) return undefined;
  return events.slice(reset).findLast((e) => e.name === EVENT.appHash)?.data.toLowerCase();
}

/**
 * The verdict of the last flash as the board shows it now. With `readBoard`
 * false, only the captures are looked at: asking an old board for its app
 * takes it into listening mode, off the cloud, so an update being waited for
 * is judged from the cloud's events and the board is read once at the end.
 */
export async function judgeLastFlash(
  ctx: StepContext,
  flash: LastFlash,
  o: { readBoard?: boolean; app?: RunningApp } = {},
): Promise<Judgement & { running: string | undefined; mode?: BoardPresence }> {
  const heard = cloudRunning(ctx, flash);
  const read = o.readBoard ?? true;
  // A read the step just made is the board's answer now: not asked twice.
  const app = o.app ?? (read ? await quietly(() => ctx.board.runningApp(ctx.signal)) : undefined);
  const running = app?.hash?.toLowerCase() ?? heard;
  const events = flashEvents(ctx, flash);
  const last = events?.at(-1);
  const quietMs = last ? ctx.clock.boardMsSince(last.at) : Infinity;
  const j = judgeUpdate({
    via: flash.via, sent: flash.sha256 ?? '', refused: flash.refused === true, running, quietMs,
    events: events?.map((e) => ({ name: e.name, data: e.data })),
  });
  return { ...j, running, ...(app ? { mode: app.mode } : {}) };
}

/** "<cause>. Evidence: <what it rests on>." */
export function paragraph(text: string, basis: readonly string[]): string {
  return `${text}. Evidence: ${basis.join('; ')}.`;
}

/**
 * The summary of the last flash, with a diagnosis unless it was applied.
 * `known`: causes the step itself established (a fault it saw fire), named first.
 */
export async function updateSummary(
  ctx: StepContext, flash: LastFlash, j: Judgement & { running: string | undefined; mode?: BoardPresence }, known: readonly Cause[] = [],
): Promise<UpdateSummary> {
  // The cloud's reply for OTA; the last words of the tool or the board for a wired flash.
  const said = flash.via === 'ota'
    ? flash.report.messages.filter((m) => m.startsWith('cloud:'))
    : flash.report.messages.filter((m) => !/DFU suffix/.test(m)).slice(-2);
  const claims = [...said, ...j.claims];
  const out: UpdateSummary = {
    flashId: flash.id, firmware: flash.firmware, via: flash.via, verdict: j.verdict, sent: flash.sha256 ?? '', running: j.running ?? null, claims,
  };
  if (flash.modeBefore) out.from = flash.modeBefore;
  const ms = flash.via === 'ota' ? transferMs(ctx, flash) : undefined;
  if (ms !== undefined) out.transferMs = ms;
  const board = await boardEvidence(ctx, { readModules: j.verdict !== 'applied', ...(j.mode ? { mode: j.mode } : {}) });
  if (board.mode) out.mode = board.mode;
  if (j.verdict === 'applied') return out;
  const d = diagnose({ ...captureEvidence(ctx), ...board, expectedApp: out.sent, runningApp: { hash: j.running }, known });
  const sequence = (flashEvents(ctx, flash) ?? []).map((e) => `${e.name.replace(/^spark\//, '')} ${e.data.length > 24 ? `${e.data.slice(0, 24)}...` : e.data.trim()}`);
  const basis = [`verdict ${j.verdict}: sent ${hash8(out.sent)}, running ${j.running ? hash8(j.running) : 'none'}`];
  if (sequence.length > 0) basis.push(`events since the flash: ${sequence.join(' -> ')}`);
  basis.push(...(d?.basis ?? []));
  if (board.mode) basis.push(`board ended in ${board.mode === 'absent' ? 'no mode (off USB)' : `${board.mode} mode`}`);
  const text = d?.text ?? `the update of ${flash.firmware} via ${flash.via} was not applied, and the evidence names no cause`;
  out.diagnosis = paragraph(text, basis);
  out.basis = basis;
  return out;
}

// What each attempt of a repeat did to the board's app: the verdict of the
// last update in the attempt, what the cloud claimed and what runs. Read
// back from the attempt's step details, where flash (with expect) and
// expect-app leave their UpdateSummary.
export interface AttemptUpdate {
  attempt: number;
  status: StepResult['status'];
  verdict: UpdateSummary['verdict'];
  claims: string[];
  /** First 8 hex digits of what runs, or null. */
  running: string | null;
  transferMs?: number;
  ms: number;
}

function isSummary(v: unknown): v is UpdateSummary {
  return typeof v === 'object' && v !== null && 'verdict' in v && 'claims' in v && Array.isArray((v as { claims: unknown }).claims);
}

/** The last update summary among a result's steps (children first, in order). */
export function lastUpdateOf(result: StepResult): UpdateSummary | undefined {
  let found: UpdateSummary | undefined;
  for (const c of result.children ?? [result]) {
    const u = c.details?.update;
    if (isSummary(u)) found = u;
  }
  return found;
}

export function attemptUpdates(attempts: readonly StepResult[]): AttemptUpdate[] {
  const out: AttemptUpdate[] = [];
  attempts.forEach((a, i) => {
    const u = lastUpdateOf(a);
    if (!u) return;
    const row: AttemptUpdate = {
      attempt: i + 1, status: a.status, verdict: u.verdict, claims: u.claims, running: u.running ? u.running.slice(0, 8) : null, ms: a.durationMs,
    };
    if (u.transferMs !== undefined) row.transferMs = u.transferMs;
    out.push(row);
  });
  return out;
}

/** How many attempts ended in each verdict. */
export function verdictCounts(rows: readonly AttemptUpdate[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.verdict] = (out[r.verdict] ?? 0) + 1;
  return out;
}
