// Parses a YAML file keeping every node's position, so any later problem
// (syntax, schema, cross-reference) can be reported as file:line:column.
import { LineCounter, parseDocument, type Document } from 'yaml';
import { InputError } from '../core/errors.js';
import { PlaceFinder } from './place.js';
import { readSourceFile } from './read.js';
import { syntaxError } from './syntax-errors.js';
import { throwProblems } from './input-errors.js';

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
