// expect-log: with match, a trace line matching the pattern appears within
// `within` (board time, default 30 s), counting from the start of the last
// step that acted on the board (judging/symptom-window.ts); with `after: previous`, after
// what the previous symptom expectation matched (judging/symptom-window.ts). With absent, no
// line of the plan so far matches, and, when `within` is given, none arrives
// during it either.
import type { LogLine } from '../../core/board-contract.js';
import { formatDuration } from '../../plan/duration.js';
import type { ExpectLogStep } from '../../plan/steps-expect.js';
import { DEFAULT_WITHIN_MS, type StepContext } from '../context.js';
import { diagnoseFailure, diagnosisFields } from '../judging/evidence.js';
import { EXCERPT_LINES, fail, pass, type KindRunner, type StepBody } from '../result.js';
import { beforeDiagnosis, lineLabel, matchedBefore, rememberMatch, symptomWindow, sinceLastAction, sincePlanStart } from '../judging/symptom-window.js';
import { unseenBootWords, unseenSession } from '../judging/unseen-boot.js';
import { InfraError } from '../../core/errors.js';

/** Throws infrastructure when the capture missed a whole boot since `fromEventSeq` (ending at or after `endedFrom`): the trace cannot speak for it. */
function requireEveryBootSeen(ctx: StepContext, what: string, o: { fromEventSeq: number; endedFrom?: number }): void {
  const events = ctx.board.events;
  if (!events) return; // without a cloud no other witness of a boot: the trace is all there is
  const unseen = unseenSession(ctx.board.log.blindSpans(), events.events(), o);
  if (!unseen) return;
  const { message, fix } = unseenBootWords(unseen, ctx.clock, what);
  throw new InfraError(message, fix);
}

function found(line: LogLine, ctx: StepContext, pattern: string): StepBody {
  // The excerpt ends at the offending line: that is where the failure is.
  const excerpt = ctx.board.log.tail(EXCERPT_LINES - 1, line.seq).map((l) => l.text).concat(line.text);
  return fail({ absent: pattern }, line.text, { diagnosis: `the trace shows what the plan says must not appear: ${line.text}`, logExcerpt: excerpt });
}

export const runExpectLog: KindRunner<ExpectLogStep> = async (step, ctx) => {
  const re = new RegExp(step.pattern);
  const log = ctx.board.log;
  if (step.absent) {
    const from = sincePlanStart(ctx).logSeq;
    const already = log.lines().find((l) => l.seq >= from && re.test(l.text));
    if (already) return found(already, ctx, step.pattern);
    if (step.withinMs !== undefined) ctx.note(`watching the trace for /${step.pattern}/`);
    const late = step.withinMs === undefined ? undefined : await log.waitFor(re, { fromSeq: from, withinMs: ctx.clock.wallMs(step.withinMs), signal: ctx.signal });
    if (late) return found(late, ctx, step.pattern);
    // An absence is proven only over boots the capture saw.
    requireEveryBootSeen(ctx, `the board printed /${step.pattern}/`, { fromEventSeq: sincePlanStart(ctx).eventSeq });
    return pass();
  }
  const withinMs = step.withinMs ?? DEFAULT_WITHIN_MS;
  const window = symptomWindow(ctx, step.afterPrevious, 'log');
  ctx.note(`waiting for /${step.pattern}/ in the trace`);
  const hit = await log.waitFor(re, { fromSeq: window.fromSeq, withinMs: ctx.clock.wallMs(withinMs), signal: ctx.signal });
  if (hit) return pass({ actual: hit.text, ...rememberMatch(ctx, step, window, { stream: 'log', seq: hit.seq, at: hit.printedFrom ?? hit.at, label: lineLabel(hit) }) });
  const expected = { match: step.pattern, ...(window.after ? { after: window.after.label } : {}) };
  const earlier = matchedBefore(log.lines(), window, (l) => re.test(l.text));
  if (earlier) return fail(expected, earlier.text, beforeDiagnosis(lineLabel(earlier), earlier, 'log', window, ctx.clock));
  // Nothing matched: the firmware's failure only if the capture saw every boot it was looking at.
  requireEveryBootSeen(ctx, `the board printed /${step.pattern}/ then`, { fromEventSeq: sinceLastAction(ctx).eventSeq, ...(window.after ? { endedFrom: window.after.at } : {}) });
  const d = await diagnoseFailure(ctx);
  const after = window.after ? ` after ${window.after.label}` : '';
  return fail(expected, 'no matching line', diagnosisFields(d, `no trace line matched /${step.pattern}/${after} within ${formatDuration(withinMs)}`));
};
