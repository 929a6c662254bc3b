// reset: a soft reset request, a reset-pin-style USB request, or a power
// cycle; with expect-reason, the board must then report that reset reason
// (waited for up to the step's `within`, default 30 s board time).
import type { ResetStep } from '../../plan/steps-board.js';
import { DEFAULT_WITHIN_MS, marksNow } from '../context.js';
import { diagnoseFailure, diagnosisFields } from '../judging/evidence.js';
import { waitForResetReason } from '../judging/reset-reason.js';
import { fail, pass, type KindRunner } from '../result.js';

export const runReset: KindRunner<ResetStep> = async (step, ctx) => {
  const marks = marksNow(ctx.board);
  ctx.note(`reset (${step.how})`);
  await ctx.board.reset(step.how, ctx.signal, step.withinMs !== undefined ? { withinMs: ctx.clock.wallMsWithRigWork(step.withinMs) } : undefined);
  if (!step.expectReason) return pass();
  ctx.note(`waiting for reset reason ${step.expectReason}`);
  const seen = await waitForResetReason(ctx, step.expectReason, { fromEventSeq: marks.eventSeq, withinWallMs: ctx.clock.wallMs(step.withinMs ?? DEFAULT_WITHIN_MS) });
  if (seen.found) return pass({ actual: step.expectReason, details: { source: seen.source } });
  const d = await diagnoseFailure(ctx, seen.latest ? { resetReason: seen.latest } : {});
  const what = seen.latest ? `the board reported reset reason ${seen.latest}` : 'the board reported no reset reason';
  const fields = diagnosisFields(d, `${what}, not ${step.expectReason}`);
  return fail(step.expectReason, seen.latest ?? null, { ...fields, details: { source: seen.source, ...fields.details } });
};
