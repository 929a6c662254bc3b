// Turns the yaml package's parse errors into one-line, located InputErrors.
// Its own messages carry a multi-line excerpt; we keep the first sentence.
import type { YAMLError } from 'yaml';
import { InputError } from '../core/errors.js';
import type { PlaceFinder } from './place.js';

const FIXES: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'each key may appear once in a map; remove or rename one',
  BAD_INDENT: 'indent nested entries consistently with spaces',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MULTIPLE_DOCS: 'keep one document per file, without a second ---',
  MISSING_CHAR: 'a flow collection or quoted string is not closed',
  UNEXPECTED_TOKEN: 'check the quoting and indentation on this line',
};

function firstSentence(message: string): string {
  const head = message.split('\n')[0] ?? message;
  return head.replace(/ at line \d+, column \d+:?$/, '').trim();
}

export function syntaxError(err: YAMLError, text: string, places: PlaceFinder): InputError {
  const place = places.placeOfOffset(err.pos[0]);
  const fix = FIXES[err.code];
  if (err.code === 'DUPLICATE_KEY') {
    const m = /^(?:"([^"]*)"|'([^']*)'|([^:#\n]*?))\s*:/.exec(text.slice(err.pos[0]));
    const key = m ? (m[1] ?? m[2] ?? m[3] ?? '') : text.slice(err.pos[0], err.pos[1]);
    return new InputError(`duplicate key '${key}'`, place, fix);
  }
  const what = err.code === 'MULTIPLE_DOCS' ? 'more than one YAML document in the file' : firstSentence(err.message);
  return new InputError(`YAML syntax error: ${what}`, place, fix);
}
