// Checks across the plan that a schema cannot express: steps name defined
// firmware, firmware paths use variables that are set, env does not try to
// redefine what the rig sets per board, an ordered expectation has a
// symptom before it to follow (order-checks.ts).
import { InputError } from '../core/errors.js';
import type { IssueTranslator } from '../yaml/issues.js';
import { didYouMean } from '../yaml/describe.js';
import type { Plan } from './schema.js';
import { BOARD_VARIABLES, expandParts, isBoardVariable, parseTemplate, unsetFix, variableLookup } from './variables.js';
import { walkSteps } from './walk.js';
import type { ValuePath } from '../yaml/place.js';
import { endsOrder, isOrdered, matchesSymptom } from './step-roles.js';
import type { Step } from './steps.js';

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

function templateVariables(plan: Plan, tr: IssueTranslator, env: NodeJS.ProcessEnv, set: Readonly<Record<string, string>>): InputError[] {
  const lookup = variableLookup(plan.env, env, set);
  const problems: InputError[] = [];
  for (const [name, spec] of Object.entries(plan.firmware)) {
    if (spec.kind !== 'file') continue;
    const path = ['firmware', name];
    const parsed = parseTemplate(spec.template);
    if ('error' in parsed) {
      problems.push(tr.problem(path, parsed.error));
      continue;
    }
    // A --set value is a file or folder made absolute where it was typed:
    // inside a path it would make nonsense of it (fw//home/me/x/app.bin).
    const inside = parsed.parts.find((p, i) => i > 0 && 'variable' in p && Object.hasOwn(set, p.variable));
    if (inside && 'variable' in inside) {
      const v = inside.variable;
      problems.push(tr.problem(path, `\${${v}} is given with --set, which names a file or folder, but it does not begin the path\nbegin the path with \${${v}}, or give ${v} in the environment instead of --set`));
      continue;
    }
    // Board variables are left for run time; every other variable must be known now.
    const expanded = expandParts(parsed.parts.filter((p) => !('variable' in p && isBoardVariable(p.variable))), undefined, lookup);
    if ('undefinedVariable' in expanded) {
      const v = expanded.undefinedVariable;
      problems.push(tr.problem(path, `\${${v}} is not set\n${unsetFix(v)}`));
    }
  }
  return problems;
}

function reservedEnv(plan: Plan, tr: IssueTranslator): InputError[] {
  return Object.keys(plan.env)
    .filter(isBoardVariable)
    .map((name) => tr.problem(['env', name], `'${name}' is set by the rig for each board\nrename it; ${BOARD_VARIABLES.map((b) => `\${${b}}`).join(', ')} are reserved`, 'key', false));
}

export function planProblems(plan: Plan, tr: IssueTranslator, env: NodeJS.ProcessEnv, set: Readonly<Record<string, string>> = {}): InputError[] {
  return [...reservedEnv(plan, tr), ...firmwareReferences(plan, tr), ...templateVariables(plan, tr, env, set), ...orderProblems(plan.steps, tr)];
}

// `after: previous` needs a previous symptom to follow: a symptom
// expectation (expect-event, expect-log match, expect-reset) earlier in the
// same step list, with no action or repeat in between (step-roles.ts says
// why those end an order). Without one the step has nothing to be after,
// which `rig validate` says at the `after` key, naming what ended the order.
function orderIn(steps: readonly Step[], base: ValuePath, tr: IssueTranslator, problems: InputError[]): void {
  let previous = false;
  let ender: { kind: string; path: ValuePath } | undefined;
  steps.forEach((step, i) => {
    const path = [...base, i];
    if (isOrdered(step) && !previous) problems.push(tr.problem([...path, 'after'], noPrevious(ender, tr)));
    if (step.kind === 'repeat') orderIn(step.steps, [...path, 'repeat', 'steps'], tr, problems);
    if (endsOrder(step)) {
      previous = false;
      ender = { kind: step.kind, path: [...path, step.kind] };
    } else if (matchesSymptom(step)) {
      previous = true;
    }
  });
}

const SYMPTOMS = 'an expect-event, expect-log or expect-reset';

function noPrevious(ender: { kind: string; path: ValuePath } | undefined, tr: IssueTranslator): string {
  if (!ender) return `previous: no symptom before it to come after\nput ${SYMPTOMS} before this step in the same step list, or remove after`;
  const line = tr.places.placeAt(ender.path, 'key').line ?? '?';
  const why = ender.kind === 'repeat' ? 'what a repeat matched stays inside it' : 'an action starts a new window';
  return `previous: no symptom to come after since the ${ender.kind} on line ${line}\n${why}: put ${SYMPTOMS} between the ${ender.kind} and this step, or remove after`;
}

export function orderProblems(steps: readonly Step[], tr: IssueTranslator): InputError[] {
  const problems: InputError[] = [];
  orderIn(steps, ['steps'], tr, problems);
  return problems;
}

/**
 * The --set variables that no plan's firmware path uses. A misspelt name
 * would otherwise leave every plan on its env default (a nightly testing the
 * demo candidate instead of the one given), so it is refused.
 */
export function unusedSetVariables(plans: readonly Plan[], set: Readonly<Record<string, string>>): InputError[] {
  const used = new Set<string>();
  for (const plan of plans) {
    for (const spec of Object.values(plan.firmware)) {
      if (spec.kind !== 'file') continue;
      const parsed = parseTemplate(spec.template);
      if ('parts' in parsed) for (const p of parsed.parts) if ('variable' in p && !isBoardVariable(p.variable)) used.add(p.variable);
    }
  }
  const names = [...used];
  return Object.keys(set).filter((n) => !used.has(n)).map((n) => {
    const hint = didYouMean(n, names).replace(/^ — /, '');
    const fix = hint || (names.length ? `the plans use ${names.map((u) => `\${${u}}`).join(', ')}` : 'the plans name no ${VARIABLE} in their firmware paths: drop --set');
    return new InputError(`--set ${n}: no plan's firmware path uses \${${n}}`, undefined, fix);
  });
}
