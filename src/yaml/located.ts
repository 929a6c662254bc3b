// Parses a YAML file keeping every node's position, so any later problem
// (syntax, schema, cross-reference) can be reported as file:line:column.
import { isAlias, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import { InputError } from '../core/errors.js';
import { PlaceFinder } from './place.js';
import { throwProblems } from './input-errors.js';
import { isUtf8 } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import type { YAMLError } from 'yaml';
import { quote } from './describe.js';

export interface LocatedYaml {
  file: string;
  text: string;
  doc: Document;
  /** The plain JavaScript value of the document. */
  value: unknown;
  places: PlaceFinder;
}

/** Aliases one file may expand: far more than any plan needs, far fewer than an alias bomb makes. */
export const MAX_ALIAS_COUNT = 100;

/** Parses YAML text; every syntax error and duplicate key becomes a located InputError. */
export function parseLocatedYaml(text: string, file: string, what: string): LocatedYaml {
  // YAML allows a lone CR as a line break (classic Mac files); the parser takes only LF and CRLF.
  // One character for one keeps every offset, so places stay right.
  text = text.replace(/\r(?!\n)/g, '\n');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  const places = new PlaceFinder(file, doc, lines);
  // Duplicate keys stand alone, each worth saying; after the first other syntax error the parser
  // is lost, and what it reports next is mostly echo of it.
  const duplicates = doc.errors.filter((e) => e.code === 'DUPLICATE_KEY');
  const others = doc.errors.filter((e) => e.code !== 'DUPLICATE_KEY');
  const problems = duplicates.map((e) => syntaxError(e, text, places));
  if (others[0]) {
    const more = others.length - 1;
    const problem = syntaxError(others[0], text, places);
    if (more > 0) problem.message += ` (and ${more} more problem${more === 1 ? '' : 's'} after it, likely caused by this one)`;
    problems.push(problem);
  }
  throwProblems(problems.sort((a, b) => (a.place?.line ?? 0) - (b.place?.line ?? 0) || (a.place?.column ?? 0) - (b.place?.column ?? 0)));
  // An unknown tag (!foo) is a warning to the parser; in a plan it is a typo or a misunderstanding.
  throwProblems(doc.warnings.map((w) => new InputError(`YAML: ${firstSentence(w.message)}`, places.placeOfOffset(w.pos[0]), 'remove the tag: plans use no YAML tags')));
  if (doc.contents === null) {
    throw new InputError(`${what} file is empty`, { file, line: 1, column: 1 }, `start with the ${what} key, e.g. \`${what}: my-${what}\``);
  }
  return { file, text, doc, value: plainValue(doc, places), places };
}

/** The document as plain JavaScript; aliases that cannot be expanded safely are located errors. */
function plainValue(doc: Document, places: PlaceFinder): unknown {
  const aliases: Alias[] = [];
  visit(doc, { Alias: (_, node) => void aliases.push(node) });
  const at = (node: Alias | undefined) => places.placeOfOffset(node?.range?.[0] ?? 0);
  const anchors = new Set<string>();
  // An alias must name an anchor set before it (YAML's rule); one inside its own anchor's node is a cycle.
  visit(doc, {
    Node: (_, node) => {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) throw new InputError(`YAML alias *${node.source} names no anchor set before it`, at(node), `set &${node.source} on a value above, or write the value out`);
      } else if (node.anchor) anchors.add(node.anchor);
    },
  });
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/alias/i.test(message)) {
      throw new InputError(`YAML aliases expand to too much (more than ${MAX_ALIAS_COUNT} copies): an alias bomb?`, at(aliases[0]), 'write the values out, or use fewer nested aliases');
    }
    throw new InputError(`YAML: ${firstSentence(message)}`, at(aliases[0]));
  }
  const cycle = cycleIn(value);
  if (cycle) {
    const alias = aliases.find((a) => typeof a.source === 'string' && anchorsInside(doc, a.source));
    throw new InputError('YAML alias refers to the value that contains it: it never ends', at(alias ?? aliases[0]), 'an alias may only repeat a value defined above it, outside itself');
  }
  return value;
}

/** Whether the anchored node named `source` contains an alias to itself. */
function anchorsInside(doc: Document, source: string): boolean {
  let found = false;
  visit(doc, {
    Node: (_, node) => {
      if (isAlias(node) || node.anchor !== source) return undefined;
      visit(node as Node, { Alias: (_, inner) => { if (inner.source === source) found = true; } });
      return undefined;
    },
  });
  return found;
}

/** True when following objects from `value` comes back to one already on the path. */
function cycleIn(value: unknown, path = new Set<object>()): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (path.has(value)) return true;
  path.add(value);
  const found = Object.values(value).some((v) => cycleIn(v, path));
  path.delete(value);
  return found;
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

/** A plan or bench is a few KB; anything this large is the wrong file. */
export const MAX_SOURCE_BYTES = 1024 * 1024;

export async function readSourceFile(file: string, what: string): Promise<string> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!info.isFile()) throw new InputError(`${what} file is not a regular file (a device, a pipe or a socket)`, { file }, 'name a .yaml file');
    if (info.size > MAX_SOURCE_BYTES) throw new InputError(`${what} file is ${info.size} bytes: too large for a ${what} (at most ${MAX_SOURCE_BYTES})`, { file }, 'name the .yaml file of the plan');
    return textOf(await readFile(file), file, what);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = errorCode(err);
    if (code === 'ENOENT') {
      throw new InputError(`${what} file not found`, { file }, `check the path; it is read relative to ${process.cwd()}`);
    }
    if (code === 'EISDIR') throw new InputError(`${what} file is a folder, not a file`, { file }, 'name a .yaml file');
    if (code === 'EACCES') throw new InputError(`${what} file is not readable`, { file }, 'check its permissions');
    throw new InputError(`${what} file cannot be read: ${(err as Error).message}`, { file });
  }
}

/** The file's text, if it is UTF-8 text: UTF-16 and binary files are named as such, not parsed. */
function textOf(bytes: Buffer, file: string, what: string): string {
  const at = (offset: number) => ({ file, line: 1 + bytes.subarray(0, offset).toString('latin1').split('\n').length - 1, column: 1 });
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(`${what} file is UTF-16 text`, { file, line: 1, column: 1 }, 'save it as UTF-8 (most editors: "Save with encoding")');
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new InputError(`${what} file is not text: it holds a NUL byte at offset ${nul}`, at(nul), `name the .yaml file of the ${what}`);
  const text = new TextDecoder('utf-8').decode(bytes); // drops a UTF-8 BOM
  if (!isUtf8(bytes)) {
    const offset = Buffer.byteLength(text.slice(0, text.indexOf('\uFFFD')));
    throw new InputError(`${what} file is not UTF-8 text (a byte at offset ${offset} is not UTF-8)`, at(offset), 'save it as UTF-8');
  }
  return text;
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
    return new InputError(`duplicate key ${quote(key)}`, place, fix);
  }
  const what = err.code === 'MULTIPLE_DOCS' ? 'more than one YAML document in the file' : firstSentence(err.message);
  return new InputError(`YAML syntax error: ${what}`, place, fix);
}
