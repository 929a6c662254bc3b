// --set NAME=FILE on `rig run` and `rig validate`: the value of ${NAME} in
// the plans' firmware paths, over the environment and the plans' env
// defaults. FILE is a path typed on the command line, so a relative one
// means from where the user is, not from the plan's folder: it is made
// absolute here, against the current folder.
import { resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { BOARD_VARIABLES, isBoardVariable, isVariableName } from '../plan/variables.js';

/** commander's collector: --set may be given once per variable. */
export function collectSet(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

export function parseSetOptions(values: readonly string[] | undefined, cwd: string = process.cwd()): Record<string, string> {
  const set = new Map<string, string>();
  for (const text of values ?? []) {
    const eq = text.indexOf('=');
    if (eq < 0) throw new InputError(`--set ${text}: no = between the name and the file`, undefined, 'write --set NAME=FILE, e.g. --set CANDIDATE_DIR=build/candidate');
    const name = text.slice(0, eq);
    const file = text.slice(eq + 1);
    if (!isVariableName(name)) {
      throw new InputError(`--set ${text}: '${name}' is not a variable name`, undefined, 'write --set NAME=FILE with NAME of letters, digits and _, not starting with a digit, e.g. CANDIDATE_DIR');
    }
    if (isBoardVariable(name)) {
      throw new InputError(`--set ${text}: \${${name}} is set by the rig for each board`, undefined, `set another variable; ${BOARD_VARIABLES.map((b) => `\${${b}}`).join(', ')} are reserved`);
    }
    if (file === '') throw new InputError(`--set ${text}: no file after =`, undefined, `write --set ${name}=FILE; an empty shell variable leaves it empty`);
    if (set.has(name)) throw new InputError(`--set ${name} is given twice`, undefined, 'give each variable once');
    set.set(name, resolve(cwd, file));
  }
  // fromEntries makes own properties, even of a name like __proto__.
  return Object.fromEntries(set);
}
