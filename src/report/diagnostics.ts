// The facts a reader needs about one step, in one fixed order, shared by
// the TAP YAML block and the JUnit failure body so both say the same thing.
import type { BoardReport, ReportStep } from './model.js';
import { toPlain, type Plain } from './plain.js';

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
