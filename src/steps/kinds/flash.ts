// flash: sends a firmware the runner resolved and checked for this board,
// the way the plan says (dfu, serial, ota, usb). What the flash did is kept
// in the context (lastFlash) for the expectations and diagnoses that follow.
// Without `expect`, an OTA flash ends when the cloud accepted the update and
// whether it was applied is for expect-event / expect-app to prove. With
// `expect`, the step waits for the update to settle and judges it by the app
// the board runs (judging/update-check.ts): a refused image is then the verdict
// `failed`, and any verdict but `applied` carries its diagnosis.
import { type FlashProgress, type FlashReport } from '../../core/board-contract.js';
import { FlashRejectedError } from '../../core/errors.js';
import type { FlashStep } from '../../plan/steps-board.js';
import { flashStart, type StepContext } from '../context.js';
import { EVENT } from '../judging/evidence.js';
import { pass, type KindRunner, type StepBody, fail } from '../result.js';
import type { UpdateVerdict } from '../../plan/vocabulary.js';
import { pollUntil } from '../poll.js';
import { judgeLastFlash, updateSummary } from '../judging/update-check.js';
import { FAILED_GRACE_MS, type Judgement } from '../judging/update-verdict.js';

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
  const appBefore = appLastSeen(board.events?.events() ?? []);
  // An OTA reaches the board in the mode it is in; wired flashes choose their own.
  const modeBefore = step.via === 'ota' ? await board.presence(ctx.signal).catch(() => undefined) : undefined;
  ctx.note(`flash ${step.firmware} via ${step.via}`);
  const remember = (report: FlashReport, refused: boolean): void => {
    ctx.lastFlash = {
      firmware: step.firmware, via: step.via, report, ...start, sha256: fw.info.sha256.toLowerCase(), appBefore,
      needs: fw.info.dependencies, ...(refused ? { refused } : {}), ...(modeBefore ? { modeBefore } : {}),
    };
  };
  const started = Date.now();
  let report: FlashReport;
  try {
    report = await board.flash(fw, step.via, { signal: ctx.signal, onProgress: (p) => ctx.note(progressText(step, p)) });
    remember(report, false);
  } catch (err) {
    // A refused image is still the flash later steps are judged against.
    if (!(err instanceof FlashRejectedError)) throw err;
    report = { method: step.via, durationMs: Date.now() - started, messages: err.boardMessages };
    remember(report, true);
    if (!step.expect) throw err;
  }
  const details = {
    firmware: step.firmware, source: fw.source, via: report.method, bytes: fw.image.length,
    sha256: fw.info.sha256.toLowerCase(), flashMs: report.durationMs, messages: report.messages,
  };
  if (!step.expect) return pass({ details });
  return awaitVerdict(step, ctx, details);
};

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
    withinMs: ctx.clock.wallMs(step.withinMs ?? DEFAULT_SETTLE_MS), intervalMs: Math.max(100, ctx.clock.pollMs()), signal: ctx.signal,
  });
  const final = r.value.settled && !readBoard ? await judgeLastFlash(ctx, flash) : r.value;
  const summary = await updateSummary(ctx, flash, final);
  const fields = { details: { ...details, update: summary }, ...(summary.diagnosis ? { diagnosis: summary.diagnosis } : {}) };
  const ok = final.settled && (want as readonly string[]).includes(final.verdict);
  if (ok) return pass({ actual: final.verdict, ...fields });
  const diagnosis = summary.diagnosis ?? `the update of ${step.firmware} was ${final.verdict}, not ${want.join(' or ')}`;
  return fail(want.length === 1 ? want[0] : want, final.verdict, { ...fields, diagnosis });
};
