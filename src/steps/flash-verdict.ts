// flash with `expect`: waits (within `within`, default 10 m of board time)
// for the update to settle, then holds its verdict against the ones the plan
// accepts. A settled verdict the plan does not accept is given the same
// grace as a failure before the step ends, in case the board is still on
// its way (an app that boots slowly after a wired flash).
import type { FlashStep } from '../plan/steps-board.js';
import type { UpdateVerdict } from '../plan/vocabulary.js';
import { type StepContext } from './context.js';
import { pollUntil } from './poll.js';
import { fail, pass, type StepBody } from './result.js';
import { judgeLastFlash, updateSummary } from './update-check.js';
import { FAILED_GRACE_MS, type Judgement } from './update-verdict.js';

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
