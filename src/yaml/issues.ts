// Turns zod issues into located InputErrors: each at the node the user
// wrote, prefixed with the key it belongs to ("within: ..."). Unions pick
// the branch the user evidently meant instead of listing every branch.
import type { z } from 'zod';
import { InputError } from '../core/errors.js';
import { expectedNoun, kindOf, splitFix, didYouMean, suggest, quote, withFix } from './describe.js';
import type { PlaceFinder, PlacePart, ValuePath } from './place.js';
import { hasKey, isPlainMap, labelOf, valueAt } from './place.js';

type Issue = z.core.$ZodIssue;

/** A hook that may handle a union issue itself (plans: steps pick their schema by kind key). */
export type UnionHook = (path: ValuePath, translator: IssueTranslator) => InputError[] | undefined;

export class IssueTranslator {
  constructor(
    readonly root: unknown,
    readonly places: PlaceFinder,
    private readonly knownKeys: KnownKeys,
    private readonly unionHook: UnionHook | undefined,
    private readonly errorMap: z.core.$ZodErrorMap,
  ) {}

  /** Validates the value at `path` against another schema (a hook's better guess) and translates. */
  check(schema: z.ZodType, path: ValuePath): InputError[] {
    const result = schema.safeParse(valueAt(this.root, path), { error: this.errorMap });
    return result.success ? [] : this.translate(result.error.issues, path);
  }

  /** A located problem; the message is prefixed with the key it concerns unless it names the key itself. */
  problem(path: ValuePath, text: string, part: PlacePart = 'value', labelled = part === 'value'): InputError {
    const { message, fix } = splitFix(text);
    const label = labelled ? labelOf(path) : undefined;
    return new InputError(label ? `${label}: ${message}` : message, this.places.placeAt(path, part), fix);
  }

  translate(issues: readonly Issue[], base: ValuePath = []): InputError[] {
    return tightestBounds(issues).flatMap((issue) => this.one(issue, [...base, ...issue.path]));
  }

  private one(issue: Issue, path: ValuePath): InputError[] {
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => this.unknownKey(path, key));
      case 'invalid_union':
        return this.unionHook?.(path, this) ?? this.union(issue, path);
      case 'invalid_type':
      case 'invalid_value':
        // A required key that is not there at all: say so at its map, whatever the schema expected.
        if (path.length > 0 && !hasKey(this.root, path) && isPlainMap(valueAt(this.root, path.slice(0, -1)))) {
          return this.missingKey(path);
        }
        return [this.problem(path, issue.message)];
      case 'invalid_key': {
        // A map key the schema refuses (a firmware or variable name): at the key, named by its map.
        const { message, fix } = splitFix(issue.issues[0]?.message ?? 'not an allowed key');
        const label = labelOf(path.slice(0, -1));
        return [new InputError(label ? `${label}: ${message}` : message, this.places.placeAt(path, 'key'), fix)];
      }
      default:
        return [this.problem(path, issue.message)];
    }
  }

  /** Said once: a misspelt key already gets "unknown key 'platfrom' — did you mean 'platform'?". */
  private missingKey(path: ValuePath): InputError[] {
    const parent = path.slice(0, -1);
    const key = String(path.at(-1));
    const present = Object.keys(valueAt(this.root, parent) as object);
    if (present.some((k) => suggest(k, [key]) === key)) return [];
    return [this.problem(parent, `missing key ${quote(key)}`, 'key', true)];
  }

  unknownKey(path: ValuePath, key: string): InputError {
    const known = this.knownKeys.get(valueAt(this.root, path) as object) ?? [];
    const hint = didYouMean(key, known);
    const fix = hint || known.length === 0 ? '' : `\nallowed here: ${known.join(', ')}`;
    return this.problem([...path, key], `unknown key ${quote(key)}${hint}${fix}`, 'key');
  }

  /**
   * The branch that got past the type check is the one the user meant; else
   * say which forms fit. An enum refusing a map or list is a type mismatch too.
   */
  private union(issue: Issue & { code: 'invalid_union' }, path: ValuePath): InputError[] {
    const value = valueAt(this.root, path);
    const primitive = value === null || typeof value !== 'object';
    const rootMismatch = (i: Issue) =>
      i.path.length === 0 && (i.code === 'invalid_type' || (i.code === 'invalid_value' && !primitive));
    const meant = issue.errors
      .filter((b) => b.length > 0 && !b.some(rootMismatch))
      .sort((a, b) => a.length - b.length)[0];
    if (meant) return this.translate(meant, path);
    const forms = issue.errors.flatMap((b) => b.filter(rootMismatch).map((i) =>
      i.code === 'invalid_type' ? expectedNoun(i.expected) : i.code === 'invalid_value' ? `one of ${i.values.join(', ')}` : ''));
    const expected = [...new Set(forms.filter(Boolean))];
    return [this.problem(path, `expected ${expected.join(' or ') || 'another form'}, got ${kindOf(value)}`)];
  }
}

/**
 * One bound per value: zod's .int() adds its own safe-integer limit, so a
 * huge number broke both it and the schema's own maximum, and the user read
 * two different maximums. Keep the tightest of each kind.
 */
function tightestBounds(issues: readonly Issue[]): Issue[] {
  const kept = new Map<string, Issue>();
  const out: Issue[] = [];
  for (const issue of issues) {
    if (issue.code !== 'too_big' && issue.code !== 'too_small') {
      out.push(issue);
      continue;
    }
    const key = `${issue.code} ${issue.path.join('\u0000')}`;
    const bound = (i: Issue) => Number(i.code === 'too_big' ? i.maximum : i.code === 'too_small' ? i.minimum : 0);
    const seen = kept.get(key);
    if (!seen) {
      kept.set(key, issue);
      out.push(issue);
    } else if (issue.code === 'too_big' ? bound(issue) < bound(seen) : bound(issue) > bound(seen)) {
      out[out.indexOf(seen)] = issue;
      kept.set(key, issue);
    }
  }
  return out;
}

// Messages for zod's generic issues, in the words of a config-file user.
// Schemas override these where they know better (durations, device IDs...).
// It also remembers the allowed keys of each map that had unknown keys, so
// the translator can suggest the one the user probably meant.
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
        // YAML reads 1e309 as Infinity, and .nan as NaN: numbers no setting can use.
        if (iss.expected === 'number' && typeof iss.input === 'number') {
          return withFix(`${iss.input} is not a usable number (it is ${Number.isNaN(iss.input) ? 'not a number' : 'too large to represent'})`, 'write an ordinary decimal number');
        }
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
