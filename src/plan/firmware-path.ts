// The file a firmware entry names for one board: the template expanded with
// the board's variables, resolved against the plan's folder.
import { InputError } from '../core/errors.js';
import type { LoadedPlan } from './loader.js';
import { expandParts, parseTemplate, resolveFrom, unsetFix, variableLookup, type BoardVars } from './variables.js';

export function firmwarePath(loaded: LoadedPlan, name: string, board: BoardVars): string {
  const spec = loaded.plan.firmware[name];
  const place = loaded.placeAt(['firmware', name]);
  if (!spec) throw new InputError(`firmware '${name}' is not defined`, loaded.placeAt(['firmware'], 'key'));
  if (spec.kind !== 'file') throw new InputError(`${name}: firmware is built by the rig (make), it has no path`, place);
  const parsed = parseTemplate(spec.template);
  if ('error' in parsed) throw new InputError(`${name}: ${parsed.error}`, place);
  const expanded = expandParts(parsed.parts, board, variableLookup(loaded.plan.env, loaded.env, loaded.variables));
  if ('undefinedVariable' in expanded) {
    const v = expanded.undefinedVariable;
    throw new InputError(`${name}: \${${v}} is not set`, place, unsetFix(v));
  }
  return resolveFrom(loaded.dir, expanded.value);
}
