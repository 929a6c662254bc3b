// Messages for zod's generic issues, in the words of a config-file user.
// Schemas override these where they know better (durations, device IDs...).
// It also remembers the allowed keys of each map that had unknown keys, so
// the translator can suggest the one the user probably meant.
import type { z } from 'zod';
import { expectedNoun, kindOf, quote, withFix } from './describe.js';
import { didYouMean } from './suggest.js';

/** Allowed keys of the maps (by identity) that had unknown keys. */
export type KnownKeys = WeakMap<object, readonly string[]>;

type RawIssue = z.core.$ZodRawIssue;

function shapeKeys(inst: unknown): readonly string[] {
  const shape = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } })?._zod?.def?.shape;
  return shape ? Object.keys(shape) : [];
}

function sizeMessage(iss: RawIssue & { code: 'too_small' | 'too_big' }): string {
  const small = iss.code === 'too_small';
  const bound = small ? (iss as { minimum: number | bigint }).minimum : (iss as { maximum: number | bigint }).maximum;
  const inclusive = (iss as { inclusive?: boolean }).inclusive !== false;
  if (iss.origin === 'array') return small ? `needs at least ${bound} item${bound === 1 ? '' : 's'}` : `allows at most ${bound} items`;
  if (iss.origin === 'string') return small ? (bound === 1 ? 'must not be empty' : `needs at least ${bound} characters`) : `allows at most ${bound} characters`;
  const relation = small ? (inclusive ? 'at least' : 'more than') : (inclusive ? 'at most' : 'less than');
  return `${quote(iss.input)} is out of range: must be ${relation} ${bound}`;
}

export function makeErrorMap(knownKeys: KnownKeys): z.core.$ZodErrorMap {
  return (iss: RawIssue) => {
    switch (iss.code) {
      case 'invalid_type':
        return `expected ${expectedNoun(iss.expected)}, got ${kindOf(iss.input)}`;
      case 'invalid_value': {
        const values = iss.values.map(String);
        const given = quote(iss.input);
        if (values.length === 1) return `expected ${quote(iss.values[0])}, got ${given}`;
        const hint = typeof iss.input === 'string' ? didYouMean(iss.input, values) : '';
        return `${given} is not one of ${values.join(', ')}${hint}`;
      }
      case 'too_small':
      case 'too_big':
        return sizeMessage(iss);
      case 'invalid_format':
        return `${quote(iss.input)} is not in the expected form`;
      case 'not_multiple_of':
        return `${quote(iss.input)} must be a multiple of ${iss.divisor}`;
      case 'unrecognized_keys':
        // Union branches each report their keys for the same map: suggest from all of them.
        if (iss.input && typeof iss.input === 'object') {
          knownKeys.set(iss.input, [...new Set([...(knownKeys.get(iss.input) ?? []), ...shapeKeys(iss.inst)])]);
        }
        return withFix(`unknown keys ${iss.keys.join(', ')}`);
      default:
        return undefined;
    }
  };
}
