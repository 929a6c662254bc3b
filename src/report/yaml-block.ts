// YAML text for diagnostics, through the `yaml` package so that any string
// (newlines, `#`, `: `, control bytes from a board's log) survives a parser.
import { Document, Scalar } from 'yaml';
import type { Plain } from './plain.js';

/** Keys whose text is shown as a literal block (`|`), like a log excerpt. */
const BLOCK_KEYS = new Set(['log']);

/** YAML document text (no `---`/`...` markers), ending with a newline. */
export function toYaml(fields: Record<string, Plain>): string {
  const doc = new Document(fields, { aliasDuplicateObjects: false });
  for (const key of BLOCK_KEYS) {
    const node = doc.get(key, true);
    // The yaml package falls back to a quoted string by itself when the text
    // holds bytes a block scalar cannot carry (ESC, NUL...).
    if (node instanceof Scalar && typeof node.value === 'string') node.type = Scalar.BLOCK_LITERAL;
  }
  return doc.toString({ lineWidth: 0, indent: 2 });
}

/** A TAP 14 YAML diagnostics block for a test point indented by `indent`. */
export function tapYamlBlock(fields: Record<string, Plain>, indent: string): string {
  const pad = indent + '  ';
  const body = toYaml(fields)
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line === '' ? '' : pad + line));
  return [`${pad}---`, ...body, `${pad}...`].join('\n') + '\n';
}
