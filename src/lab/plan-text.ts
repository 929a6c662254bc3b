// The ${NAME}s a plan's firmware paths use beyond the board's own: an agent
// loads the carried plan with them set, since it reads no path of the plan.
import { isBoardVariable, parseTemplate } from '../plan/variables.js';
import type { Plan } from '../plan/schema.js';

export function pathVariables(plan: Plan): string[] {
  const names = new Set<string>();
  for (const spec of Object.values(plan.firmware)) {
    if (spec.kind !== 'file') continue;
    const parsed = parseTemplate(spec.template);
    if ('error' in parsed) continue; // the plan loaded, so none
    for (const part of parsed.parts) if ('variable' in part && !isBoardVariable(part.variable)) names.add(part.variable);
  }
  return [...names];
}
