// Loads a plan file: YAML with positions, the schema, then cross-checks.
// Every problem is a located InputError; several are thrown together as
// InputErrors, whose format() prints one line per problem.
import { dirname, resolve } from 'node:path';
import type { SourcePlace } from '../core/errors.js';
import { throwProblems } from '../yaml/input-errors.js';
import { loadLocatedYaml, type LocatedYaml } from '../yaml/located.js';
import type { PlacePart, ValuePath } from '../yaml/place.js';
import { sortProblems, validateLocated } from '../yaml/validate.js';
import { planProblems } from './checks.js';
import { PlanSchema, type Plan, type Step } from './schema.js';
import { stepIssues } from './step-issues.js';
import { walkSteps } from './walk.js';

export interface LoadPlanOptions {
  /** Where ${VARS} come from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Variables given with --set NAME=FILE: they win over the environment and the plan's env. */
  variables?: Readonly<Record<string, string>>;
}

export interface LoadedPlan {
  /** The path as given. */
  file: string;
  /** Absolute folder of the plan file: relative firmware paths start here. */
  dir: string;
  plan: Plan;
  /** The environment the plan was checked against; firmware paths expand with it. */
  env: NodeJS.ProcessEnv;
  /** The --set variables the plan was checked against; they win over `env`. */
  variables: Readonly<Record<string, string>>;
  /** Where a path of the YAML value was written (['steps', 2, 'within']). */
  placeAt(path: ValuePath, part?: PlacePart): SourcePlace;
  /** Where a step (at any depth) starts in the file. */
  stepPlace(step: Step): SourcePlace;
  /** The path of a step in the YAML value. */
  stepPath(step: Step): ValuePath;
}

/** Validates already parsed YAML (also used for plans that do not come from a file). */
export function planFromYaml(located: LocatedYaml, options: LoadPlanOptions = {}): LoadedPlan {
  const env = options.env ?? process.env;
  const variables = options.variables ?? {};
  const { data: plan, translator } = validateLocated(located, PlanSchema, stepIssues);
  throwProblems(sortProblems(planProblems(plan, translator, env, variables)));
  const paths = new WeakMap<Step, ValuePath>();
  walkSteps(plan.steps, (step, path) => paths.set(step, path));
  const placeAt = (path: ValuePath, part?: PlacePart) => located.places.placeAt(path, part);
  const stepPath = (step: Step): ValuePath => paths.get(step) ?? [];
  return {
    file: located.file,
    dir: dirname(resolve(located.file)),
    plan,
    env,
    variables,
    placeAt,
    stepPlace: (step) => placeAt(stepPath(step)),
    stepPath,
  };
}

export async function loadPlan(file: string, options: LoadPlanOptions = {}): Promise<LoadedPlan> {
  return planFromYaml(await loadLocatedYaml(file, 'plan'), options);
}
