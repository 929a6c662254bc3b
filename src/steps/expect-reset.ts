// expect-reset: the board reported a reset with this reason (cloud event
// spark/device/last_reset, or the board's own report without a cloud),
// counting from the start of the last step that acted on the board
// (since.ts), waiting up to `within` (board time, default 30 s).
import { formatDuration } from '../plan/duration.js';
import type { ExpectResetStep } from '../plan/steps-expect.js';
import { DEFAULT_WITHIN_MS, wallMs } from './context.js';
import { diagnoseFailure, diagnosisFields } from './gather.js';
import { waitForResetReason } from './reset-reason.js';
import { fail, pass, type KindRunner } from './result.js';
import { sinceLastAction } from './since.js';

export const runExpectReset: KindRunner<ExpectResetStep> = async (step, ctx) => {
  const withinMs = step.withinMs ?? DEFAULT_WITHIN_MS;
  ctx.note(`waiting for reset reason ${step.reason}`);
  const seen = await waitForResetReason(ctx, step.reason, {
    fromEventSeq: sinceLastAction(ctx).eventSeq, withinWallMs: wallMs(ctx, withinMs),
  });
  const details = { source: seen.source };
  if (seen.found) return pass({ actual: step.reason, details });
  const d = await diagnoseFailure(ctx, seen.latest ? { resetReason: seen.latest } : {});
  const what = seen.latest ? `the last reset reason reported is ${seen.latest}` : `no reset was reported within ${formatDuration(withinMs)}`;
  const fields = diagnosisFields(d, `${what}, not ${step.reason}`);
  return fail(step.reason, seen.latest ?? null, { ...fields, details: { ...details, ...fields.details } });
};
