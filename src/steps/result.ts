// What a step kind returns before runStep names and times it, and the
// small builders every kind uses for it.
import type { Step } from '../plan/steps.js';
import type { StepResult } from '../core/domain.js';
import type { StepContext } from './context.js';

export type StepBody = Omit<StepResult, 'name' | 'durationMs'>;

/** One step kind: runs the step on the context's board and says how it went. Throws for runStep to classify. */
export type KindRunner<S extends Step> = (step: S, ctx: StepContext) => Promise<StepBody>;

export function pass(fields: Omit<StepBody, 'status'> = {}): StepBody {
  return { status: 'pass', ...fields };
}

export function fail(expected: unknown, actual: unknown, fields: Omit<StepBody, 'status' | 'expected' | 'actual'> = {}): StepBody {
  return { status: 'fail', expected, actual, ...fields };
}

export function skip(reason: string, fields: Omit<StepBody, 'status' | 'skipReason'> = {}): StepBody {
  return { status: 'skip', skipReason: reason, ...fields };
}

/** How many log lines a failed step carries. */
export const EXCERPT_LINES = 20;
