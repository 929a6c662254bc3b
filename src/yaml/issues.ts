// Turns zod issues into located InputErrors: each at the node the user
// wrote, prefixed with the key it belongs to ("within: ..."). Unions pick
// the branch the user evidently meant instead of listing every branch.
import type { z } from 'zod';
import { InputError } from '../core/errors.js';
import { expectedNoun, kindOf, splitFix } from './describe.js';
import type { KnownKeys } from './error-map.js';
import type { PlaceFinder, PlacePart, ValuePath } from './place.js';
import { didYouMean, suggest } from './suggest.js';
import { hasKey, isMap, labelOf, valueAt } from './value-at.js';

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
    return issues.flatMap((issue) => this.one(issue, [...base, ...issue.path]));
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
        if (path.length > 0 && !hasKey(this.root, path) && isMap(valueAt(this.root, path.slice(0, -1)))) {
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
    return [this.problem(parent, `missing key '${key}'`, 'key', true)];
  }

  unknownKey(path: ValuePath, key: string): InputError {
    const known = this.knownKeys.get(valueAt(this.root, path) as object) ?? [];
    const hint = didYouMean(key, known);
    const fix = hint || known.length === 0 ? '' : `\nallowed here: ${known.join(', ')}`;
    return this.problem([...path, key], `unknown key '${key}'${hint}${fix}`, 'key');
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
