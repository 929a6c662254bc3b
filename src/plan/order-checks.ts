// `after: previous` needs a previous symptom to follow: a symptom
// expectation (expect-event, expect-log match, expect-reset) earlier in the
// same step list, with no action or repeat in between (step-roles.ts says
// why those end an order). Without one the step has nothing to be after,
// which `rig validate` says at the `after` key, naming what ended the order.
import type { InputError } from '../core/errors.js';
import type { IssueTranslator } from '../yaml/issues.js';
import type { ValuePath } from '../yaml/place.js';
import { endsOrder, isOrdered, matchesSymptom } from './step-roles.js';
import type { Step } from './steps.js';

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
