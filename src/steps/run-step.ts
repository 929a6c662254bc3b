// Runs one step of any kind under the same rules: the time limit the runner
// gives it (ctx.limitStep: the runner owns every deadline, this sets none),
// every throw and every abort classified in outcome.ts, the result named and
// timed, a failed or infra result carrying the last log lines, and the
// context's memory (last flash, where the last action began, what the last
// symptom expectation matched) brought up to date. An action or a repeat ends the order of symptoms (step-roles.ts);
// a symptom expectation that matched nothing leaves none to follow.
import type { StepResult } from '../core/domain.js';
import { endsOrder, isAction, matchesSymptom } from '../plan/step-roles.js';
import type { Step } from '../plan/steps.js';
import { marksNow, type StepContext } from './context.js';
import { outcomeOf } from './outcome.js';
import { untilAborted, type Deadline } from '../core/clock.js';
import { EXCERPT_LINES, type KindRunner, type StepBody } from './result.js';
import { stepTitle } from './title.js';

/** How long an action waits for the log capture to have the board's port open (wall ms); then it acts anyway. */
const LISTEN_BEFORE_ACTION_MS = 1000;

function deadlineFor(step: Step, title: string, ctx: StepContext): Deadline {
  return ctx.limitStep?.(step, title, ctx.signal) ?? { signal: ctx.signal, clear: () => {} };
}

export async function executeStep(step: Step, ctx: StepContext, run: KindRunner<Step>): Promise<StepResult> {
  const name = stepTitle(step);
  const started = Date.now();
  const startMarks = marksNow(ctx.board);
  const deadline = deadlineFor(step, name, ctx);
  const inner: StepContext = { ...ctx, signal: deadline.signal };
  let body: StepBody;
  try {
    // Heard before it is acted on: an action that takes the board away before the capture has reopened
    // its port takes that whole boot away unheard (a simulated board boots faster than a host reopens).
    if (isAction(step)) await ctx.board.log.untilListening({ withinMs: LISTEN_BEFORE_ACTION_MS, signal: deadline.signal });
    // Raced with the signal: a board call that ignores it cannot hold the step past its limit.
    body = await untilAborted(run(step, inner), deadline.signal);
    // A step that failed once its signal had aborted ended because of the abort, whatever it made of it.
    if (deadline.signal.aborted && (body.status === 'fail' || body.status === 'infra')) body = { ...body, ...outcomeOf(deadline.signal.reason, deadline.signal) };
  } catch (err) {
    body = outcomeOf(err, deadline.signal);
  } finally {
    deadline.clear();
  }
  if (inner.lastFlash !== ctx.lastFlash) ctx.lastFlash = inner.lastFlash;
  if (isAction(step)) ctx.lastAction = startMarks;
  if (endsOrder(step)) ctx.lastMatch = undefined;
  // A new object when the step matched; the same one when it matched nothing with a place (a reset the board reported).
  else if (matchesSymptom(step)) ctx.lastMatch = body.status === 'pass' && inner.lastMatch !== ctx.lastMatch ? inner.lastMatch : undefined;
  if ((body.status === 'fail' || body.status === 'infra') && !body.logExcerpt) {
    const tail = ctx.board.log.tail(EXCERPT_LINES).map((l) => l.text);
    if (tail.length > 0) body = { ...body, logExcerpt: tail };
  }
  // Where the step sits on the report's timeline, and the item it matched there.
  const matched = matchesSymptom(step) && body.status === 'pass' && ctx.lastMatch ? { stream: ctx.lastMatch.stream, seq: ctx.lastMatch.seq, at: ctx.lastMatch.at } : undefined;
  return { name, durationMs: Date.now() - started, ...body, startedAt: new Date(started).toISOString(), ...(matched ? { matched } : {}) };
}
