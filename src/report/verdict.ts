// How step results add up to a board verdict, counts and the exit status.
//
// The rule, in order:
//   1. any firmware failure  -> exit 1. A failure of the firmware under test
//      is never hidden, not even by a broken bench next to it: exit 3 means
//      "rerun, the rig was at fault" to a CI system, and would bury it.
//   2. any infrastructure failure, a bail-out, or no board at all -> exit 3.
//      Infrastructure is never counted or reported as a firmware failure;
//      it has its own counts, its own TAP severity and JUnit <error>.
//   3. otherwise (passes and skips only) -> exit 0. A skip is a reason the
//      plan gave (e.g. no power switch), not a failure; infra wins over skip.
import { ExitCode } from '../core/errors.js';
import type { StepStatus } from '../core/domain.js';
import type { BoardReport, BoardStatus, ReportStep, RunReport } from './model.js';

export type ExitStatus = (typeof ExitCode)[keyof typeof ExitCode];

/** Severity order used to combine statuses: the worst one wins. */
const RANK: Record<BoardStatus, number> = { skip: 0, pass: 1, infra: 2, fail: 3 };

function worst(a: BoardStatus, b: BoardStatus): BoardStatus {
  return RANK[a] >= RANK[b] ? a : b;
}

/** What a board's own steps say (top-level steps: a repeat's verdict is its own). */
function statusOfSteps(steps: ReportStep[]): BoardStatus {
  return steps.reduce<BoardStatus>((acc, s) => worst(acc, s.status), 'skip');
}

/** The board's status, never better than what its steps show. */
export function boardVerdict(board: BoardReport): BoardStatus {
  return worst(board.status, statusOfSteps(board.steps));
}

const SYNTHETIC_NAME: Record<Exclude<BoardStatus, 'pass'>, string> = {
  infra: 'reach the board',
  fail: 'board verdict',
  skip: 'run on this board',
};

/**
 * The steps a report shows for a board: its own, plus one board-level step
 * when the verdict is not explained by any step (a missing board has no
 * steps but must still show up as an infrastructure error, with a cause).
 */
export function reportedSteps(board: BoardReport): ReportStep[] {
  const verdict = boardVerdict(board);
  if (verdict === 'pass') return board.steps;
  if (verdict === 'skip' && board.steps.length > 0) return board.steps;
  if (verdict !== 'skip' && board.steps.some((s) => s.status === verdict)) return board.steps;
  const reason = board.diagnosis ?? `board ended with status ${verdict} before any step reported it`;
  const synthetic: ReportStep = {
    status: verdict,
    name: SYNTHETIC_NAME[verdict],
    durationMs: 0,
    ...(verdict === 'skip' ? { skipReason: reason } : { diagnosis: reason }),
  };
  return [...board.steps, synthetic];
}

export interface StatusCounts {
  total: number;
  pass: number;
  fail: number;
  infra: number;
  skip: number;
}

function tally(statuses: StepStatus[]): StatusCounts {
  const c: StatusCounts = { total: 0, pass: 0, fail: 0, infra: 0, skip: 0 };
  for (const s of statuses) {
    c.total++;
    c[s]++;
  }
  return c;
}

export interface RunCounts {
  boards: StatusCounts;
  /** Reported steps (top level, including board-level ones), over all boards. */
  steps: StatusCounts;
}

export function countRun(report: RunReport): RunCounts {
  return {
    boards: tally(report.boards.map(boardVerdict)),
    steps: tally(report.boards.flatMap((b) => reportedSteps(b).map((s) => s.status))),
  };
}

/** The process exit status for this run (see the rule at the top). */
export function exitStatus(report: RunReport): ExitStatus {
  const verdicts = report.boards.map(boardVerdict);
  if (verdicts.includes('fail')) return ExitCode.testFailed;
  if (verdicts.includes('infra') || report.bailOut || verdicts.length === 0) return ExitCode.infrastructure;
  return ExitCode.ok;
}
