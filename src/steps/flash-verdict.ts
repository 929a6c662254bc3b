// flash with `expect`: waits (within `within`, default 10 m of board time)
// for the update to settle, then holds its verdict against the ones the plan
// accepts. A settled verdict the plan does not accept is given the same
// grace as a failure before the step ends, in case the board is still on
// its way (an app that boots slowly after a wired flash).
import type { FlashStep } from '../plan/steps-board.js';
import type { UpdateVerdict } from '../plan/vocabulary.js';
import { wallMs, type StepContext } from './context.js';
import { pollInterval, pollUntil } from './poll.js';
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
    return (Date.now() - unexpected.since) * ctx.timeScale >= FAILED_GRACE_MS;
  };
  const r = await pollUntil(() => judgeLastFlash(ctx, flash), accepted, {
    withinMs: wallMs(ctx, step.withinMs ?? DEFAULT_SETTLE_MS), intervalMs: Math.max(100, pollInterval(ctx)), signal: ctx.signal,
  });
  const summary = await updateSummary(ctx, flash, r.value);
  const fields = { details: { ...details, update: summary }, ...(summary.diagnosis ? { diagnosis: summary.diagnosis } : {}) };
  const ok = r.value.settled && (want as readonly string[]).includes(r.value.verdict);
  if (ok) return pass({ actual: r.value.verdict, ...fields });
  const diagnosis = summary.diagnosis ?? `the update of ${step.firmware} was ${r.value.verdict}, not ${want.join(' or ')}`;
  return fail(want.length === 1 ? want[0] : want, r.value.verdict, { ...fields, diagnosis });
};
