// Words for values in messages: what kind of thing the user wrote, and the
// value itself quoted the way they would recognise it.

export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return 'a string';
    case 'number': return Number.isInteger(value) ? 'a whole number' : 'a number';
    case 'boolean': return value ? 'true' : 'false';
    case 'object': return 'a map';
    default: return `a ${typeof value}`;
  }
}

/** 'text' for strings, the literal for numbers and booleans, the kind for anything else. */
/** Longest piece of the user's text a message repeats: enough to recognise it, never a screenful. */
export const QUOTE_MAX = 60;

export function quote(value: unknown): string {
  if (typeof value === 'string') {
    // Control characters would garble the one line a message is.
    const shown = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    return shown.length > QUOTE_MAX ? `'${shown.slice(0, QUOTE_MAX)}...' (${value.length} characters)` : `'${shown}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return kindOf(value);
}

/** Nouns for zod's expected types. */
export function expectedNoun(expected: string): string {
  const nouns: Record<string, string> = {
    string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false',
    array: 'a list', object: 'a map', record: 'a map', null: 'nothing', bigint: 'a whole number',
  };
  return nouns[expected] ?? expected;
}

/** One message line plus an optional fix, carried through zod's single message string. */
export function withFix(message: string, fix?: string): string {
  return fix ? `${message}\n${fix}` : message;
}

export function splitFix(message: string): { message: string; fix: string | undefined } {
  const at = message.indexOf('\n');
  return at < 0 ? { message, fix: undefined } : { message: message.slice(0, at), fix: message.slice(at + 1) };
}

// "did you mean" for misspelt keys, step kinds and enum values: the closest
// candidate by edit distance, when it is close enough to be a likely typo.
/** Edit distance where swapping two neighbours counts as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate within a third of the word's length (at least 1, at most 3 edits). */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** " — did you mean 'x'?" or nothing. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const s = suggest(word, candidates);
  return s ? ` — did you mean '${s}'?` : '';
}
