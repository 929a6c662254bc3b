// Validates a located YAML value against a zod schema; on failure throws one
// located InputError per problem (an InputErrors when there are several).
import type { z } from 'zod';
import type { InputError } from '../core/errors.js';
import { makeErrorMap, type KnownKeys, IssueTranslator, type UnionHook } from './issues.js';
import { throwProblems } from './input-errors.js';
import type { LocatedYaml } from './located.js';

/** Same line, same message: reported once (a union can yield a problem twice). */
export function sortProblems(problems: readonly InputError[]): InputError[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => !seen.has(p.format()) && seen.add(p.format()))
    .sort((a, b) => (a.place?.line ?? 0) - (b.place?.line ?? 0) || (a.place?.column ?? 0) - (b.place?.column ?? 0));
}

export interface Validated<T> {
  data: T;
  translator: IssueTranslator;
}

export function validateLocated<S extends z.ZodType>(located: LocatedYaml, schema: S, unionHook?: UnionHook): Validated<z.output<S>> {
  const knownKeys: KnownKeys = new WeakMap();
  const error = makeErrorMap(knownKeys);
  const result = schema.safeParse(located.value, { error });
  const translator = new IssueTranslator(located.value, located.places, knownKeys, unionHook, error);
  if (!result.success) throwProblems(sortProblems(translator.translate(result.error.issues)));
  return { data: result.data as z.output<S>, translator };
}
