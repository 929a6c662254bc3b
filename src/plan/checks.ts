// Checks across the plan that a schema cannot express: steps name defined
// firmware, firmware paths use variables that are set, env does not try to
// redefine what the rig sets per board, an ordered expectation has a
// symptom before it to follow (order-checks.ts).
import type { InputError } from '../core/errors.js';
import type { IssueTranslator } from '../yaml/issues.js';
import { didYouMean } from '../yaml/describe.js';
import { orderProblems } from './order-checks.js';
import type { Plan } from './schema.js';
import { BOARD_VARIABLES, expandParts, isBoardVariable, parseTemplate, variableLookup } from './variables.js';
import { walkSteps } from './walk.js';

function firmwareReferences(plan: Plan, tr: IssueTranslator): InputError[] {
  const defined = Object.keys(plan.firmware);
  const problems: InputError[] = [];
  walkSteps(plan.steps, (step, path) => {
    if (step.kind !== 'flash' && step.kind !== 'expect-app') return;
    if (defined.includes(step.firmware)) return;
    const message = defined.length
      ? `firmware '${step.firmware}' is not defined; defined: ${defined.join(', ')}`
      : `firmware '${step.firmware}' is not defined; the plan has no firmware map`;
    const hint = didYouMean(step.firmware, defined).replace(/^ — /, '');
    const fix = hint || `add it under firmware:, e.g. ${step.firmware}: path/to/${step.firmware}.bin`;
    problems.push(tr.problem([...path, step.kind], `${message}\n${fix}`));
  });
  return problems;
}

function templateVariables(plan: Plan, tr: IssueTranslator, env: NodeJS.ProcessEnv): InputError[] {
  const lookup = variableLookup(plan.env, env);
  const problems: InputError[] = [];
  for (const [name, spec] of Object.entries(plan.firmware)) {
    if (spec.kind !== 'file') continue;
    const path = ['firmware', name];
    const parsed = parseTemplate(spec.template);
    if ('error' in parsed) {
      problems.push(tr.problem(path, parsed.error));
      continue;
    }
    // Board variables are left for run time; every other variable must be known now.
    const expanded = expandParts(parsed.parts.filter((p) => !('variable' in p && isBoardVariable(p.variable))), undefined, lookup);
    if ('undefinedVariable' in expanded) {
      const v = expanded.undefinedVariable;
      problems.push(tr.problem(path, `\${${v}} is not set\nset ${v} in the environment, or give a default under env: in the plan`));
    }
  }
  return problems;
}

function reservedEnv(plan: Plan, tr: IssueTranslator): InputError[] {
  return Object.keys(plan.env)
    .filter(isBoardVariable)
    .map((name) => tr.problem(['env', name], `'${name}' is set by the rig for each board\nrename it; ${BOARD_VARIABLES.map((b) => `\${${b}}`).join(', ')} are reserved`, 'key', false));
}

export function planProblems(plan: Plan, tr: IssueTranslator, env: NodeJS.ProcessEnv): InputError[] {
  return [...reservedEnv(plan, tr), ...firmwareReferences(plan, tr), ...templateVariables(plan, tr, env), ...orderProblems(plan.steps, tr)];
}
