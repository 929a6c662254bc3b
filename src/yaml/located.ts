// Parses a YAML file keeping every node's position, so any later problem
// (syntax, schema, cross-reference) can be reported as file:line:column.
import { LineCounter, parseDocument, type Document } from 'yaml';
import { InputError } from '../core/errors.js';
import { PlaceFinder } from './place.js';
import { throwProblems } from './input-errors.js';
import { readFile } from 'node:fs/promises';
import type { YAMLError } from 'yaml';

export interface LocatedYaml {
  file: string;
  text: string;
  doc: Document;
  /** The plain JavaScript value of the document. */
  value: unknown;
  places: PlaceFinder;
}

/** Parses YAML text; every syntax error and duplicate key becomes a located InputError. */
export function parseLocatedYaml(text: string, file: string, what: string): LocatedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  const places = new PlaceFinder(file, doc, lines);
  throwProblems(doc.errors.map((err) => syntaxError(err, text, places)));
  if (doc.contents === null) {
    throw new InputError(`${what} file is empty`, { file, line: 1, column: 1 }, `start with the ${what} key, e.g. \`${what}: my-${what}\``);
  }
  return { file, text, doc, value: doc.toJS({ maxAliasCount: 100 }), places };
}

/** Reads and parses a YAML file; `what` ("plan", "bench") names it in messages. */
export async function loadLocatedYaml(file: string, what: string): Promise<LocatedYaml> {
  return parseLocatedYaml(await readSourceFile(file, what), file, what);
}

// Reads a YAML source file. A file that is not there or cannot be read is
// bad input (the user named it), so it becomes an InputError naming the path.
function errorCode(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export async function readSourceFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT') {
      throw new InputError(`${what} file not found`, { file }, `check the path; it is read relative to ${process.cwd()}`);
    }
    if (code === 'EISDIR') throw new InputError(`${what} file is a folder, not a file`, { file }, 'name a .yaml file');
    if (code === 'EACCES') throw new InputError(`${what} file is not readable`, { file }, 'check its permissions');
    throw new InputError(`${what} file cannot be read: ${(err as Error).message}`, { file });
  }
}

// Turns the yaml package's parse errors into one-line, located InputErrors.
// Its own messages carry a multi-line excerpt; we keep the first sentence.
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
