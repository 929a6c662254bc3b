// Visits every step of a plan, nested repeat steps included, with the path
// of the step in the plan file (['steps', 2, 'repeat', 'steps', 0]).
import type { ValuePath } from '../yaml/place.js';
import type { Step } from './steps.js';

export function walkSteps(steps: readonly Step[], visit: (step: Step, path: ValuePath) => void, base: ValuePath = ['steps']): void {
  steps.forEach((step, i) => {
    const path = [...base, i];
    visit(step, path);
    if (step.kind === 'repeat') walkSteps(step.steps, visit, [...path, 'repeat', 'steps']);
  });
}
