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
export function quote(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
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
