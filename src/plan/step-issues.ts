// Better messages for steps than a union can give: a step is validated
// against the one schema its kind key names, and a step without a known kind
// key gets "unknown step 'flahs' — did you mean 'flash'?".
import type { InputError } from '../core/errors.js';
import { kindOf, didYouMean } from '../yaml/describe.js';
import type { IssueTranslator } from '../yaml/issues.js';
import type { ValuePath } from '../yaml/place.js';
import { valueAt } from '../yaml/place.js';
import { COMMON_KEYS } from './step-common.js';
import { STEP_KINDS, STEP_SCHEMAS, type StepKind } from './steps.js';

const isKind = (k: string): k is StepKind => (STEP_KINDS as string[]).includes(k);

function isStepPath(path: ValuePath): boolean {
  return path.at(-2) === 'steps' && typeof path.at(-1) === 'number';
}

function notAMap(path: ValuePath, value: unknown, tr: IssueTranslator): InputError {
  if (typeof value === 'string' && isKind(value)) {
    return tr.problem(path, `step '${value}' needs a value\nwrite it as a map, e.g. "- ${value}: ..."`, 'value', false);
  }
  return tr.problem(path, `expected a step (a map such as "- flash: baseline"), got ${kindOf(value)}`, 'value', false);
}

/** Union hook for the plan: handles union issues at steps[i] and repeat.steps[i]. */
export function stepIssues(path: ValuePath, tr: IssueTranslator): InputError[] | undefined {
  if (!isStepPath(path)) return undefined;
  const value = valueAt(tr.root, path);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [notAMap(path, value, tr)];
  const keys = Object.keys(value);
  const kinds = keys.filter(isKind);
  if (kinds.length === 1) return tr.check(STEP_SCHEMAS[kinds[0]!], path);
  if (kinds.length > 1) {
    return [tr.problem([...path, kinds[1]!], `a step has one kind; this one has ${kinds.join(' and ')}\nsplit it into separate steps, each starting with "- "`, 'key')];
  }
  const stranger = keys.find((k) => !COMMON_KEYS.includes(k));
  if (stranger === undefined) {
    return [tr.problem(path, `a step needs a kind\none of: ${STEP_KINDS.join(', ')}`, 'value', false)];
  }
  const hint = didYouMean(stranger, STEP_KINDS);
  const fix = hint ? '' : `\nsteps are: ${STEP_KINDS.join(', ')}`;
  return [tr.problem([...path, stranger], `unknown step '${stranger}'${hint}${fix}`, 'key')];
}
