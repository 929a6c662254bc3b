// What a step does to the evidence a plan reads: an action (flash, mode,
// reset, power, fault, call) acts on the board and opens a new window that the
// expectations after it look into; a symptom expectation (expect-event,
// expect-log with match, expect-reset) matches one item in the captures,
// which an ordered expectation (`after: previous`) must come after. The
// runner and the plan checks share these rules, so what `rig validate`
// accepts is what a run can judge.
import type { Step } from './steps.js';

/** Steps that act on the board. */
export const ACTION_KINDS: ReadonlySet<Step['kind']> = new Set(['flash', 'mode', 'reset', 'power', 'fault', 'call']);

/** The step kinds that may say `after: previous`. */
export const ORDERED_KINDS = ['expect-event', 'expect-log', 'expect-reset'] as const;

export function isAction(step: Step): boolean {
  return ACTION_KINDS.has(step.kind);
}

/** An expectation that matches one line or event, which a later `after: previous` is ordered against. */
export function matchesSymptom(step: Step): boolean {
  if (step.kind === 'expect-reset') return true;
  if (step.kind === 'expect-event' || step.kind === 'expect-log') return !step.absent;
  return false;
}

/**
 * A step after which `after: previous` has nothing to follow: an action (a new
 * window), or a repeat (its attempts' matches are theirs, not the plan's).
 */
export function endsOrder(step: Step): boolean {
  return isAction(step) || step.kind === 'repeat';
}

export function isOrdered(step: Step): boolean {
  return (step.kind === 'expect-event' || step.kind === 'expect-log' || step.kind === 'expect-reset') && step.afterPrevious;
}
