// Several input problems found in one pass. Still an InputError (exit 2), so
// callers need no special case; format() prints one located line per problem.
import { InputError } from '../core/errors.js';

export class InputErrors extends InputError {
  readonly problems: readonly InputError[];
  constructor(problems: readonly InputError[]) {
    const first = problems[0];
    if (!first) throw new TypeError('InputErrors needs at least one problem');
    super(first.message, first.place, first.fix);
    this.name = 'InputErrors';
    this.problems = problems;
  }

  override format(): string {
    return this.problems.map((p) => p.format()).join('\n');
  }
}

/** Throws nothing for no problems, the problem itself for one, an InputErrors for several. */
export function throwProblems(problems: readonly InputError[]): void {
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new InputErrors(problems);
}

/** Every problem inside an error: the aggregate's list, or the error itself. */
export function problemsOf(err: InputError): readonly InputError[] {
  return err instanceof InputErrors ? err.problems : [err];
}
