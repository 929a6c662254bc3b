// --repeat N: the whole plan N times on each board, as one `repeat` step
// around the plan's steps (so the report has the attempts, their statistics
// and the first failing attempt's whole trace), with N times the plan's time.
import type { Plan } from '../plan/schema.js';

export function repeatedPlan(plan: Plan, times: number): Plan {
  if (!Number.isInteger(times) || times < 1) throw new RangeError(`a plan repeats a whole number of times, at least once, got ${times}`);
  if (times === 1) return plan;
  return {
    ...plan,
    steps: [{ kind: 'repeat', until: undefined, count: times, steps: plan.steps, name: `${plan.name} x${times}`, timeoutMs: undefined, continueOnFailure: false }],
    timeoutMs: plan.timeoutMs * times,
  };
}
