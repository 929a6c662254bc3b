// One attempt of a repeat: its steps in order, stopping at a failure (unless
// the step may continue) or at once when the rig loses its reach. The result
// holds each step's result as a child, and the attempt's first problem.
import type { StepResult, StepStatus } from '../core/domain.js';
import type { Step } from '../plan/steps.js';
import { marksNow, type CaptureMarks, type StepContext, type StepRunner } from './context.js';
import { worseStatus } from './outcome.js';

export interface Attempt {
  result: StepResult;
  /** Where the captures stood when the attempt began. */
  marks: CaptureMarks;
}

export async function runAttempt(n: number, steps: readonly Step[], ctx: StepContext, run: StepRunner<Step>): Promise<Attempt> {
  const started = Date.now();
  const marks = marksNow(ctx.board);
  const children: StepResult[] = [];
  let status: StepStatus = 'skip';
  for (const step of steps) {
    const r = await run(step, ctx);
    children.push(r);
    status = worseStatus(status, r.status);
    if (r.status === 'infra' || ctx.signal.aborted) break;
    if (r.status === 'fail' && !step.continueOnFailure) break;
  }
  const problem = children.find((c) => c.status === 'fail') ?? children.find((c) => c.status === 'infra');
  const result: StepResult = { status, name: `attempt ${n}`, durationMs: Date.now() - started, children };
  if (problem) {
    result.diagnosis = `${problem.name}: ${problem.diagnosis ?? problem.status}`;
    if (problem.logExcerpt) result.logExcerpt = problem.logExcerpt;
  }
  return { result, marks };
}

/** The whole trace and every event of an attempt, kept for the first failing one. */
export function keepWhole(attempt: Attempt, ctx: StepContext): void {
  const { logSeq, eventSeq } = attempt.marks;
  attempt.result.logExcerpt = ctx.board.log.lines().filter((l) => l.seq >= logSeq).map((l) => l.text);
  const events = ctx.board.events?.events().filter((e) => e.seq >= eventSeq);
  if (events) {
    attempt.result.details = {
      ...attempt.result.details,
      events: events.map((e) => ({ name: e.name, data: e.data, publishedAt: e.publishedAt })),
    };
  }
}
