// A run cut short outside any step: a board another run holds, a bench that
// would not start, a board that would not open, Ctrl-C before the boards
// ran. The report says why (its bail-out) and every board that got no row of
// its own gets one, as infrastructure: the rig never reached it, so nothing
// is blamed on its firmware.
import { InfraError, InputError } from '../core/errors.js';
import type { BenchBoard } from '../bench/schema.js';
import type { BoardReport, RunReport } from '../report/model.js';
import type { PreparableBoard, PreparedPlan } from './prepare.js';

/** An error in one line: input and infrastructure errors with their fix, anything else as the rig's own fault. */
export function describeError(err: unknown): string {
  if (err instanceof InputError || err instanceof InfraError) return err.format();
  if (err instanceof Error) return `internal error: ${err.message}`;
  return `internal error: ${String(err)}`;
}

/** Records `err` as the reason the run bailed out, with an infra row for each board and plan not reported yet. */
export function bailOut(report: RunReport, prepared: readonly PreparedPlan<PreparableBoard>[], err: unknown): void {
  const reason = describeError(err);
  report.bailOut = { reason };
  notRunRows(report, prepared, 'infra', reason);
}

/** Why a run its signal stopped was stopped, in words ("interrupted by SIGINT"). */
export function stopReason(signal: AbortSignal): string {
  return String(signal.reason ?? 'the run was interrupted');
}

/** The row of a job that did not run: infrastructure (the rig never reached the board) or a skip (the run stopped first). */
export function notRunRow(bench: Pick<BenchBoard, 'name' | 'platform' | 'id'>, plan: string, status: 'infra' | 'skip', diagnosis: string): BoardReport {
  return { name: bench.name, platform: bench.platform, id: bench.id, plan, status, diagnosis, durationMs: 0, steps: [], artifacts: {} };
}

/** A run stopped by its signal before its boards ran: it bails out with the signal's reason, and every job not reported yet is a skip (nobody's failure). */
export function bailOutStopped(report: RunReport, prepared: readonly PreparedPlan<PreparableBoard>[], signal: AbortSignal): void {
  const reason = stopReason(signal);
  report.bailOut ??= { reason };
  notRunRows(report, prepared, 'skip', `not run: ${reason}`);
}

function notRunRows(report: RunReport, prepared: readonly PreparedPlan<PreparableBoard>[], status: 'infra' | 'skip', diagnosis: string): void {
  for (const p of prepared) {
    const plan = p.loaded.plan.name;
    for (const { bench: b } of p.boards) {
      if (report.boards.some((r) => r.id === b.id && r.plan === plan)) continue;
      report.boards.push(notRunRow(b, plan, status, diagnosis));
    }
  }
}

/** A run stopped by its signal (Ctrl-C, SIGTERM) bails out with the signal's reason, unless it already bailed out. */
export function bailOutIfStopped(report: RunReport, signal: AbortSignal): void {
  if (signal.aborted && !report.bailOut) report.bailOut = { reason: stopReason(signal) };
}
