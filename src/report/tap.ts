// TAP version 14 writer: a subtest per board, a test point per step, YAML
// diagnostics for failures, SKIP directives, `Bail out!` for a cut-short run.
// TapStream emits each board as soon as it finishes (boards run in parallel,
// so a board's subtest is written whole); formatTap renders a finished run.
import type { Plain } from './plain.js';
import type { BoardReport, PlanRef, ReportStep, RunReport } from './model.js';
import { boardVerdict, reportedSteps } from './verdict.js';
import { stepDiagnostics, tapYamlBlock } from './diagnostics.js';
import { updateLine, updateRows } from './updates.js';
import { boardChangesLine, changesSummary } from './changes.js';

const INDENT = '    ';

export type TapSink = (text: string) => void;
export type TapHeader = Pick<RunReport, 'runId' | 'startedAt' | 'rigVersion' | 'bench'> & { plans: PlanRef[] };

/** `photon-1 (photon 3a00...)`, and says so when the rig could not drive it. */
export function boardTitle(board: BoardReport): string {
  // A lab's board says which host drove it; a local run's has none.
  const title = `${board.name} (${board.platform} ${board.id}${board.host ? ` on ${board.host}` : ''})`;
  return boardVerdict(board) === 'infra' ? `${title}: infrastructure failure` : title;
}

/** A test point (and the subtest of its children, if any) at `indent`. */
function stepText(step: ReportStep, n: number, board: BoardReport, indent: string): string {
  let out = '';
  if (step.children && step.children.length > 0) {
    out += `${indent}# Subtest: ${oneLine(step.name)}\n`;
    out += pointsText(step.children, board, indent + INDENT);
  }
  const name = escapeTap(step.name);
  if (step.status === 'skip') {
    return out + `${indent}ok ${n} - ${name} # SKIP ${escapeTap(step.skipReason ?? 'skipped')}\n`;
  }
  const ok = step.status === 'pass' ? 'ok' : 'not ok';
  out += `${indent}${ok} ${n} - ${name} ${timeDirective(step.durationMs)}\n`;
  const diag = stepDiagnostics(step, board);
  return diag ? out + tapYamlBlock(diag, indent) : out;
}

/** Test points of a list of steps, then the plan line. */
function pointsText(steps: ReportStep[], board: BoardReport, indent: string): string {
  return steps.map((s, i) => stepText(s, i + 1, board, indent)).join('') + `${indent}1..${steps.length}\n`;
}

/** Diagnostics of the closing test point of a board that did not pass. */
function boardDiagnostics(board: BoardReport, steps: ReportStep[]): Record<string, Plain> {
  const verdict = boardVerdict(board);
  const cause = steps.find((s) => s.status === verdict);
  const out: Record<string, Plain> = { severity: verdict === 'infra' ? 'infrastructure' : 'failure', plan: board.plan };
  const diagnosis = board.diagnosis ?? cause?.diagnosis;
  if (diagnosis) out.diagnosis = diagnosis;
  const artifacts: Record<string, Plain> = {};
  if (board.artifacts.trace) artifacts.trace = board.artifacts.trace;
  if (board.artifacts.events) artifacts.events = board.artifacts.events;
  if (board.artifacts.cut) artifacts.cut = board.artifacts.cut;
  if (Object.keys(artifacts).length > 0) out.artifacts = artifacts;
  return out;
}

/** The whole subtest of one board, closed by its test point number `n`. */
export function boardTap(board: BoardReport, n: number): string {
  const steps = reportedSteps(board);
  const verdict = boardVerdict(board);
  const title = boardTitle(board);
  let out = `# Subtest: ${oneLine(title)}\n` + pointsText(steps, board, INDENT);
  // The board's updates side by side: what was claimed against what runs.
  for (const row of updateRows(board)) out += `${INDENT}# update ${oneLine(updateLine(row))}\n`;
  if (board.restored?.done.length) out += `${INDENT}# restored after the plan: ${oneLine(board.restored.done.join('; '))}\n`;
  if (board.restored?.problem) out += `${INDENT}# not restored: ${oneLine(board.restored.problem)}\n`;
  const changed = board.changes && boardChangesLine(board.changes);
  if (changed) out += `${INDENT}# changes: ${oneLine(changed)}\n`;
  if (verdict === 'skip') {
    const reason = board.diagnosis ?? steps.find((s) => s.skipReason)?.skipReason ?? 'skipped';
    return out + `ok ${n} - ${escapeTap(title)} # SKIP ${escapeTap(reason)}\n`;
  }
  out += `${verdict === 'pass' ? 'ok' : 'not ok'} ${n} - ${escapeTap(title)} ${timeDirective(board.durationMs)}\n`;
  return verdict === 'pass' ? out : out + tapYamlBlock(boardDiagnostics(board, steps), '');
}

/** Writes a run as TAP while it happens. Calls after `end` or `bailOut` are refused. */
export class TapStream {
  readonly #write: TapSink;
  #count = 0;
  #closed = false;

  constructor(write: TapSink) {
    this.#write = write;
  }

  start(header: TapHeader): void {
    this.#emit('TAP version 14\n' + headerComments(header));
  }

  board(board: BoardReport): void {
    this.#emit(boardTap(board, ++this.#count));
  }

  /** Ends the stream without a plan: a TAP reader keeps every board before it. */
  bailOut(reason: string): void {
    this.#emit(`Bail out! ${oneLine(reason)}\n`);
    this.#closed = true;
  }

  end(): void {
    this.#emit(`1..${this.#count}\n`);
    this.#closed = true;
  }

  #emit(text: string): void {
    if (this.#closed) throw new Error('TAP stream already ended');
    this.#write(text);
  }
}

function headerComments(h: TapHeader): string {
  const lines = [`run ${h.runId} started ${h.startedAt}`, `bench ${h.bench}, particle-rig ${h.rigVersion}`];
  for (const p of h.plans) lines.push(`plan ${p.name} (${p.file})`);
  return lines.map((l) => `# ${oneLine(l)}\n`).join('');
}

/** The complete TAP text of a finished (or cut-short) run. */
export function formatTap(report: RunReport): string {
  const chunks: string[] = [];
  const tap = new TapStream((t) => chunks.push(t));
  tap.start(report);
  for (const h of report.health ?? []) if (!h.healthy) chunks.push(`# health: ${oneLine(`${h.name} unhealthy: ${h.reason ?? 'health check failed'}`)}\n`);
  for (const board of report.boards) tap.board(board);
  if (report.changes) chunks.push(`# changes: ${oneLine(changesSummary(report.changes))}\n`);
  if (report.bailOut) tap.bailOut(report.bailOut.reason);
  else tap.end();
  return chunks.join('');
}

// Text rules of TAP 14 lines: what a description, a directive reason and a
// bail-out reason may contain without changing how a parser reads the line.
/** One line: newlines and other control characters become spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
}

/** A test point description or directive reason: `\` and `#` escaped. */
export function escapeTap(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

/** The `# time=` directive value: whole milliseconds, never negative. */
export function timeDirective(durationMs: number): string {
  const ms = Number.isFinite(durationMs) && durationMs > 0 ? Math.round(durationMs) : 0;
  return `# time=${ms}ms`;
}
