// flash: sends a firmware the runner resolved and checked for this board,
// the way the plan says (dfu, serial, ota, usb). What the flash did is kept
// in the context (lastFlash) for the expectations and diagnoses that follow.
// Without `expect`, an OTA flash ends when the cloud accepted the update and
// whether it was applied is for expect-event / expect-app to prove. With
// `expect`, the step waits for the update to settle and judges it by the app
// the board runs (judging/update-check.ts): a refused image is then the verdict
// `failed`, and any verdict but `applied` carries its diagnosis. A fault the
// plan armed at this transfer is part of the experiment: the step follows the
// transfer until the fault fires or the transfer ends (an OTA's too, `expect`
// or not); fired, the verdict is `interrupted` whatever the tool then said
// (judging/interruption.ts); never fired, it is disarmed and said.
import { type ArmedFaultStatus, type FlashProgress, type FlashReport } from '../../core/board-contract.js';
import { FlashRejectedError } from '../../core/errors.js';
import type { FlashStep } from '../../plan/steps-board.js';
import { DEFAULT_WITHIN_MS, flashStart, type StepContext } from '../context.js';
import { EVENT } from '../judging/evidence.js';
import { pass, type KindRunner, type StepBody, fail } from '../result.js';
import type { UpdateVerdict } from '../../plan/vocabulary.js';
import { pollUntil } from '../poll.js';
import { judgeLastFlash, paragraph, updateSummary } from '../judging/update-check.js';
import type { Cause } from '../judging/evidence.js';
import { FAILED_GRACE_MS, type Judgement } from '../judging/update-verdict.js';
import { afterFault, armedAt, disarmUnfired, firedNow, firedWords } from '../judging/interruption.js';
import { armedFaultWords, faultWords } from '../../core/armed-fault.js';

function progressText(step: FlashStep, p: FlashProgress): string {
  const pct = p.percent !== undefined ? `${Math.round(p.percent)}%` : `${p.bytes}/${p.total} bytes`;
  return `flash ${step.firmware} via ${p.method}: ${pct}`;
}

/**
 * The app the cloud last saw running: lets a later diagnosis say "still the
 * old app". Unknown once the board left the cloud after saying it: a DFU or
 * serial flash since may have replaced it before the board is back online.
 */
function appLastSeen(events: readonly { name: string; data: string }[]): string | undefined {
  const at = events.findLastIndex((e) => e.name === EVENT.appHash);
  if (at < 0) return undefined;
  const left = events.slice(at + 1).some((e) => e.name === EVENT.status && e.data === 'offline');
  return left ? undefined : events[at]!.data.toLowerCase();
}

export const runFlash: KindRunner<FlashStep> = async (step, ctx: StepContext): Promise<StepBody> => {
  const fw = ctx.firmware(step.firmware);
  const { board } = ctx;
  const start = flashStart(board);
  let appBefore = appLastSeen(board.events?.events() ?? []);
  // An OTA reaches the board in the mode it is in; wired flashes choose their own.
  const modeBefore = step.via === 'ota' ? await board.presence(ctx.signal).catch(() => undefined) : undefined;
  // Asked before the transfer: a fault armed at it fires while it runs.
  const armed = await armedAt(board, step.via, ctx.signal);
  // What ran before the cut is what "the old app" means afterwards: asked of the board when the cloud did not say.
  if (armed && !appBefore) appBefore = (await board.runningApp(ctx.signal).catch(() => undefined))?.hash?.toLowerCase();
  ctx.note(`flash ${step.firmware} via ${step.via}${armed ? ' (a fault is armed at it)' : ''}`);
  const remember = (report: FlashReport, refused: boolean): void => {
    ctx.lastFlash = {
      firmware: step.firmware, via: step.via, report, ...start, sha256: fw.info.sha256.toLowerCase(), appBefore,
      needs: fw.info.dependencies, ...(refused ? { refused } : {}), ...(modeBefore ? { modeBefore } : {}),
    };
  };
  const started = Date.now();
  // The transfer's progress for the report's timeline: [ms since the step's start, percent], a sample per 5%.
  const progress: [number, number][] = [];
  const sample = (p: FlashProgress): void => {
    if (p.percent === undefined || (progress.length && p.percent < progress.at(-1)![1] + 5 && p.percent < 100)) return;
    progress.push([Date.now() - started, Math.round(p.percent)]);
  };
  const detailsOf = (report: FlashReport): Record<string, unknown> => ({
    firmware: step.firmware, source: fw.source, via: report.method, bytes: fw.image.length,
    sha256: fw.info.sha256.toLowerCase(), flashMs: report.durationMs, messages: report.messages,
    ...(progress.length ? { progress } : {}),
  });
  let report: FlashReport;
  try {
    report = await board.flash(fw, step.via, { signal: ctx.signal, onProgress: (p) => { sample(p); ctx.note(progressText(step, p)); } });
    remember(report, false);
  } catch (err) {
    // Whatever the tool made of a cut the plan armed, the verdict is the cut's.
    const fired = armed && !ctx.signal.aborted ? await firedNow(board, armed, ctx.signal) : undefined;
    if (fired) {
      report = { method: step.via, durationMs: Date.now() - started, messages: [(err as Error).message] };
      remember(report, false);
      return judgeInterrupted(step, ctx, fired, detailsOf(report));
    }
    // A refused image is still the flash later steps are judged against.
    if (!(err instanceof FlashRejectedError)) throw err;
    report = { method: step.via, durationMs: Date.now() - started, messages: err.boardMessages };
    remember(report, true);
    if (!step.expect) throw err;
  }
  const details = detailsOf(report);
  if (armed) {
    const fired = await followArmedTransfer(step, ctx, armed);
    if (fired) return judgeInterrupted(step, ctx, fired, details);
    const never = await disarmUnfired(board, armed, ctx.signal);
    ctx.note(never);
    details.fault = never;
  }
  if (!step.expect) return pass({ details });
  return awaitVerdict(step, ctx, details);
};

/**
 * The armed fault once the tool is done: a wired transfer is over, so it
 * fired or never will; an OTA goes on after the cloud accepted it, so it is
 * followed until the fault fires or the update settles (within `within`).
 */
async function followArmedTransfer(step: FlashStep, ctx: StepContext, armed: ArmedFaultStatus): Promise<ArmedFaultStatus | undefined> {
  const flash = ctx.lastFlash;
  if (step.via !== 'ota' || !flash || !ctx.board.events) return firedNow(ctx.board, armed, ctx.signal);
  ctx.note(`following the OTA until ${armedFaultWords(armed)} fires or the update settles`);
  const r = await pollUntil(async () => {
    const fired = await firedNow(ctx.board, armed, ctx.signal);
    return { fired, settled: fired ? true : (await judgeLastFlash(ctx, flash, { readBoard: false })).settled };
  }, (v) => v.settled, { withinMs: ctx.clock.wallMs(step.withinMs ?? DEFAULT_SETTLE_MS), intervalMs: Math.max(50, ctx.clock.pollMs()), signal: ctx.signal, pace: ctx.board.pace?.() });
  return r.value.fired ?? (await firedNow(ctx.board, armed, ctx.signal));
}

/**
 * A flash the plan's fault cut: the verdict `interrupted`, with where the
 * fault fired and what the board did next, held against the verdicts the
 * plan accepts (without `expect`, `applied`: the step fails, not the bench).
 */
async function judgeInterrupted(step: FlashStep, ctx: StepContext, fired: ArmedFaultStatus, details: Record<string, unknown>): Promise<StepBody> {
  const flash = ctx.lastFlash!;
  const fw = ctx.firmware(step.firmware);
  const where = firedWords(fired, fw.image.length);
  ctx.note(where);
  const next = await afterFault(ctx, fired, {
    withinWallMs: ctx.clock.wallMsWithRigWork(step.withinMs ?? DEFAULT_WITHIN_MS), sent: flash.sha256 ?? '', appBefore: flash.appBefore,
  });
  ctx.lastFlash = { ...flash, interruptedBy: fired };
  const toolSaid = flash.report.messages.at(-1);
  // The fault is the cause the step saw; it explains the stall, the lost link and the missing app too.
  // Other causes the evidence holds (a full file system, a refusal) are named after it.
  const fault: Cause = {
    names: ['fault', 'link', 'stall', 'ota-unfinished', 'not-applied', 'safe-mode'],
    text: `the plan's ${faultWords(fired.fault.kind)} interrupted the flash of ${step.firmware} via ${step.via}; ${next.words}`,
    basis: [`the bench: ${where}`, `then: ${next.words}`, ...(toolSaid ? [`the ${flash.via === 'ota' ? 'cloud' : 'tool'} said: ${toolSaid}`] : [])],
  };
  const summary = await updateSummary(ctx, ctx.lastFlash, { verdict: 'interrupted', settled: true, claims: [], running: next.running, mode: next.mode }, [fault]);
  if (next.mode === 'absent' && summary.basis) {
    // Off, or off USB: what it runs is unknown, not "none".
    summary.basis = summary.basis.filter((b) => !b.startsWith('verdict interrupted:'));
    summary.diagnosis = paragraph(summary.diagnosis!.slice(0, summary.diagnosis!.indexOf('. Evidence: ')), summary.basis);
  }
  const fields = { details: { ...details, update: summary, fault: { ...fired, afterwards: next.words } }, diagnosis: summary.diagnosis };
  const want: readonly UpdateVerdict[] = step.expect ?? ['applied'];
  if (want.includes('interrupted')) return pass({ actual: 'interrupted', ...fields });
  return fail(want.length === 1 ? want[0] : want, 'interrupted', fields);
}

// flash with `expect`: waits (within `within`, default 10 m of board time)
// for the update to settle, then holds its verdict against the ones the plan
// accepts. A settled verdict the plan does not accept is given the same
// grace as a failure before the step ends, in case the board is still on
// its way (an app that boots slowly after a wired flash).
export const DEFAULT_SETTLE_MS = 10 * 60_000;

type Judged = Judgement & { running: string | undefined };

export async function awaitVerdict(step: FlashStep, ctx: StepContext, details: Record<string, unknown>): Promise<StepBody> {
  const flash = ctx.lastFlash;
  const want: readonly UpdateVerdict[] = step.expect ?? ['applied'];
  if (!flash) throw new Error('flash verdict without a flash');
  ctx.note(`waiting for the update of ${step.firmware} to settle (${want.join(' or ')})`);
  let unexpected: { verdict: string; since: number } | undefined;
  const accepted = (j: Judged): boolean => {
    if (!j.settled) return false;
    if ((want as readonly string[]).includes(j.verdict)) return true;
    if (unexpected?.verdict !== j.verdict) unexpected = { verdict: j.verdict, since: Date.now() };
    return ctx.clock.boardMsSince(unexpected.since) >= FAILED_GRACE_MS;
  };
  // An OTA is followed on the cloud's events; the board itself is read once it settled.
  const readBoard = flash.via !== 'ota' || !ctx.board.events;
  const r = await pollUntil(() => judgeLastFlash(ctx, flash, { readBoard }), accepted, {
    withinMs: ctx.clock.wallMs(step.withinMs ?? DEFAULT_SETTLE_MS), intervalMs: Math.max(100, ctx.clock.pollMs()), signal: ctx.signal, pace: ctx.board.pace?.(),
  });
  const final = r.value.settled && !readBoard ? await judgeLastFlash(ctx, flash) : r.value;
  const summary = await updateSummary(ctx, flash, final);
  const fields = { details: { ...details, update: summary }, ...(summary.diagnosis ? { diagnosis: summary.diagnosis } : {}) };
  const ok = final.settled && (want as readonly string[]).includes(final.verdict);
  if (ok) return pass({ actual: final.verdict, ...fields });
  const diagnosis = summary.diagnosis ?? `the update of ${step.firmware} was ${final.verdict}, not ${want.join(' or ')}`;
  return fail(want.length === 1 ? want[0] : want, final.verdict, { ...fields, diagnosis });
};
