// repeat: runs its steps `count` times, or until the first attempt that
// fails (until: failure, to reproduce a field failure) or succeeds (until:
// success), `count` at most. Verdicts: until failure fails when a failure
// was reproduced; until success passes when an attempt passed; times fails
// when any attempt failed. An attempt that loses the board stops the repeat.
// The first failing attempt keeps its whole trace and every event.
import type { StepResult, StepStatus } from '../../core/domain.js';
import type { RepeatStep, Step } from '../../plan/steps.js';
import { worseStatus } from '../outcome.js';
import { attemptUpdates, verdictCounts } from '../judging/update-check.js';
import type { KindRunner, StepBody } from '../result.js';
import { marksNow, type CaptureMarks, type StepContext, type StepRunner } from '../context.js';

function verdict(step: RepeatStep, attempts: readonly StepResult[]): StepStatus {
  const last = attempts.at(-1)?.status ?? 'skip';
  if (step.until === 'failure') return attempts.some((a) => a.status === 'fail') ? 'fail' : last === 'infra' ? 'infra' : 'pass';
  if (step.until === 'success') return last === 'pass' ? 'pass' : last === 'infra' ? 'infra' : 'fail';
  return attempts.reduce<StepStatus>((s, a) => worseStatus(s, a.status), 'skip');
}

function expectation(step: RepeatStep): string {
  if (step.until === 'failure') return `no failure in ${step.count} attempts`;
  if (step.until === 'success') return `an attempt that passes, within ${step.count}`;
  return `${step.count} attempts that pass`;
}

function summary(status: StepStatus, attempts: readonly StepResult[], first: StepResult | undefined): string {
  const n = attempts.length;
  if (status === 'infra') return `the rig lost the board in attempt ${n}: ${attempts.at(-1)?.diagnosis ?? 'infra'}`;
  if (!first) return `${n} attempts`;
  const i = attempts.indexOf(first) + 1;
  const fails = attempts.filter((a) => a.status === 'fail').length;
  return `attempt ${i} of ${n} failed${fails > 1 ? ` (${fails} failures in all)` : ''}: ${first.diagnosis ?? 'failed'}`;
}

export function repeatRunner(run: StepRunner<Step>): KindRunner<RepeatStep> {
  return async (step, ctx): Promise<StepBody> => {
    const attempts: StepResult[] = [];
    let keptWhole = false;
    for (let n = 1; n <= step.count && !ctx.signal.aborted; n++) {
      ctx.note(`repeat: attempt ${n} of ${step.until ? `at most ${step.count}` : step.count}`);
      const attempt = await runAttempt(n, step.steps, ctx, run);
      const s = attempt.result.status;
      if (s === 'fail' && !keptWhole) {
        keepWhole(attempt, ctx);
        keptWhole = true;
      }
      attempts.push(attempt.result);
      if (s === 'infra' || (step.until === 'failure' && s === 'fail') || (step.until === 'success' && s === 'pass')) break;
    }
    const status = verdict(step, attempts);
    const firstFail = attempts.find((a) => a.status === 'fail');
    const updates = attemptUpdates(attempts);
    // Per attempt, what the cloud claimed against what runs: the field's own question.
    const byVerdict = updates.length > 0 ? { updateVerdicts: verdictCounts(updates), updates } : {};
    const details = { until: step.until ?? null, count: step.count, ...repeatStats(attempts), ...byVerdict };
    const body: StepBody = { status, children: attempts, details };
    if (status === 'pass' || status === 'skip') return body;
    body.expected = expectation(step);
    const text = summary(status, attempts, firstFail);
    body.actual = text;
    body.diagnosis = text;
    // The excerpt of the failing step itself; the attempt keeps the whole trace.
    const problem = status === 'fail' ? firstFail : attempts.at(-1);
    const excerpt = problem?.children?.find((c) => c.status === status)?.logExcerpt;
    if (excerpt) body.logExcerpt = excerpt;
    return body;
  };
}

// One attempt of a repeat: its steps in order, stopping at a failure (unless
// the step may continue) or at once when the rig loses its reach. The result
// holds each step's result as a child, and the attempt's first problem.
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

// The statistics of a repeat: attempts, passes, failures by verdict and
// the wall time of each attempt, for the report's details.
export interface RepeatStats {
  attempts: number;
  passes: number;
  failures: { fail: number; infra: number };
  skips: number;
  /** 1-based number of the first attempt that failed (status fail), or null. */
  firstFailure: number | null;
  msPerAttempt: number[];
  minMs: number;
  meanMs: number;
  maxMs: number;
}

export function repeatStats(attempts: readonly StepResult[]): RepeatStats {
  const count = (s: StepResult['status']) => attempts.filter((a) => a.status === s).length;
  const ms = attempts.map((a) => a.durationMs);
  const first = attempts.findIndex((a) => a.status === 'fail');
  return {
    attempts: attempts.length,
    passes: count('pass'),
    failures: { fail: count('fail'), infra: count('infra') },
    skips: count('skip'),
    firstFailure: first < 0 ? null : first + 1,
    msPerAttempt: ms,
    minMs: ms.length ? Math.min(...ms) : 0,
    meanMs: ms.length ? Math.round(ms.reduce((a, b) => a + b, 0) / ms.length) : 0,
    maxMs: ms.length ? Math.max(...ms) : 0,
  };
}
