// Runs one step of any kind under the same rules: the step's own timeout
// (board time, scaled) on top of the run's signal, every throw classified in
// outcome.ts, the result named and timed, a failed or infra result carrying
// the last log lines, and the context's memory (last flash, where the
// last action began, what the last symptom expectation matched) brought up
// to date. An action or a repeat ends the order of symptoms (step-roles.ts);
// a symptom expectation that matched nothing leaves none to follow.
import type { StepResult } from '../core/domain.js';
import { endsOrder, isAction, matchesSymptom } from '../plan/step-roles.js';
import type { Step } from '../plan/steps.js';
import { marksNow, type StepContext } from './context.js';
import { outcomeOf } from './outcome.js';
import { DeadlineError } from '../core/errors.js';
import { untilAborted } from '../core/clock.js';
import { EXCERPT_LINES, type KindRunner, type StepBody } from './result.js';
import { stepTitle } from './title.js';

interface Deadline {
  signal: AbortSignal;
  clear(): void;
}

function deadlineFor(step: Step, title: string, ctx: StepContext): Deadline {
  if (step.timeoutMs === undefined) return { signal: ctx.signal, clear: () => {} };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineError(title, step.timeoutMs!)), ctx.clock.wallMs(step.timeoutMs));
  return { signal: AbortSignal.any([ctx.signal, controller.signal]), clear: () => clearTimeout(timer) };
}

export async function executeStep(step: Step, ctx: StepContext, run: KindRunner<Step>): Promise<StepResult> {
  const name = stepTitle(step);
  const started = Date.now();
  const startMarks = marksNow(ctx.board);
  const deadline = deadlineFor(step, name, ctx);
  const inner: StepContext = { ...ctx, signal: deadline.signal };
  let body: StepBody;
  try {
    // Raced with the signal: a board call that ignores it cannot hold the step past its limit.
    body = await untilAborted(run(step, inner), deadline.signal);
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
  return { name, durationMs: Date.now() - started, ...body };
}
