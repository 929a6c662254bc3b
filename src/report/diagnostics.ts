// The facts a reader needs about one step, in one fixed order, shared by
// the TAP YAML block and the JUnit failure body so both say the same thing.
import type { BoardReport, ReportStep } from './model.js';
import { toPlain, type Plain } from './plain.js';
import { Document, Scalar } from 'yaml';

export type Severity = 'failure' | 'infrastructure';

/** `failure` is the firmware's; `infrastructure` is the rig's own reach. */
export function severityOf(step: ReportStep): Severity | undefined {
  if (step.status === 'fail') return 'failure';
  if (step.status === 'infra') return 'infrastructure';
  return undefined;
}

/** Log lines as one text with a final newline (a YAML block scalar, a <system-out>). */
export function logText(step: ReportStep): string | undefined {
  if (!step.logExcerpt || step.logExcerpt.length === 0) return undefined;
  return step.logExcerpt.join('\n') + '\n';
}

function artifactsOf(step: ReportStep, board: BoardReport): Plain | undefined {
  const out: { [key: string]: Plain } = {};
  if (step.artifacts && step.artifacts.length > 0) out.files = [...step.artifacts];
  // The board's trace and events matter to anyone explaining a failure.
  if (severityOf(step)) {
    if (board.artifacts.trace) out.trace = board.artifacts.trace;
    if (board.artifacts.events) out.events = board.artifacts.events;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Diagnostics of a step, or undefined when there is nothing to say (a plain
 * pass or a skip, whose reason is the SKIP directive). Keys in fixed order.
 */
export function stepDiagnostics(step: ReportStep, board: BoardReport): Record<string, Plain> | undefined {
  const severity = severityOf(step);
  const details = toPlain(step.details);
  const hasDetails = details !== undefined && !(typeof details === 'object' && details !== null && Object.keys(details).length === 0);
  if (!severity && !hasDetails && !step.artifacts?.length) return undefined;
  const fields: [string, Plain | undefined][] = [
    ['severity', severity],
    ['duration_ms', step.durationMs],
    ['expected', toPlain(step.expected)],
    ['actual', toPlain(step.actual)],
    ['diagnosis', step.diagnosis],
    ['log', logText(step)],
    ['artifacts', artifactsOf(step, board)],
    ['details', hasDetails ? details : undefined],
  ];
  const out: Record<string, Plain> = {};
  for (const [k, v] of fields) if (v !== undefined) out[k] = v;
  return out;
}

// YAML text for diagnostics, through the `yaml` package so that any string
// (newlines, `#`, `: `, control bytes from a board's log) survives a parser.
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
