// expect-reset: the board reported a reset with this reason (cloud event
// spark/device/last_reset, or the board's own report without a cloud),
// counting from the start of the last step that acted on the board
// (judging/symptom-window.ts), waiting up to `within` (board time, default 30 s). With
// `after: previous` the reset event must come after what the previous
// symptom expectation matched (judging/symptom-window.ts); the board's own report carries no
// time, so without a cloud an ordered expect-reset is a SKIP with the reason.
import type { CloudEvent } from '../../core/board-contract.js';
import { formatDuration } from '../../plan/duration.js';
import type { ExpectResetStep } from '../../plan/steps-expect.js';
import { DEFAULT_WITHIN_MS } from '../context.js';
import { EVENT, diagnoseFailure, diagnosisFields } from '../judging/evidence.js';
import { beforeDiagnosis, matchedBefore, rememberMatch, resetLabel, symptomWindow } from '../judging/symptom-window.js';
import { resetData, waitForResetReason } from '../judging/reset-reason.js';
import { fail, pass, skip, type KindRunner } from '../result.js';

export const runExpectReset: KindRunner<ExpectResetStep> = async (step, ctx) => {
  const events = ctx.board.events;
  if (step.afterPrevious && !events) {
    return skip('the bench names no cloud: the board reports its last reset reason without a time, so its order after the previous symptom cannot be checked');
  }
  const withinMs = step.withinMs ?? DEFAULT_WITHIN_MS;
  const window = symptomWindow(ctx, step.afterPrevious, 'events');
  ctx.note(`waiting for reset reason ${step.reason}`);
  const seen = await waitForResetReason(ctx, step.reason, { fromEventSeq: window.fromSeq, withinWallMs: ctx.clock.wallMs(withinMs) });
  const details = { source: seen.source };
  if (seen.found) {
    const matched = seen.event && { stream: 'events' as const, seq: seen.event.seq, at: seen.event.at, label: resetLabel(step.reason) };
    return pass({ actual: step.reason, details: { ...details, ...rememberMatch(ctx, step, window, matched).details } });
  }
  const expected = window.after ? { reason: step.reason, after: window.after.label } : step.reason;
  const data = resetData(step.reason);
  const earlier = events && matchedBefore(events.events(), window, (e: CloudEvent) => e.name === EVENT.lastReset && data.test(e.data));
  if (earlier) {
    const before = beforeDiagnosis(resetLabel(step.reason), earlier, 'events', window, ctx.clock);
    return fail(expected, step.reason, { diagnosis: before.diagnosis, details: { ...details, ...before.details } });
  }
  const d = await diagnoseFailure(ctx, seen.latest ? { resetReason: seen.latest } : {});
  const what = seen.latest ? `the last reset reason reported is ${seen.latest}` : `no reset was reported within ${formatDuration(withinMs)}`;
  const after = window.after ? ` after ${window.after.label}` : '';
  const fields = diagnosisFields(d, `${what}, not ${step.reason}${after}`);
  return fail(expected, seen.latest ?? null, { ...fields, details: { ...details, ...fields.details } });
};
