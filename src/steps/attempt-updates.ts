// What each attempt of a repeat did to the board's app: the verdict of the
// last update in the attempt, what the cloud claimed and what runs. Read
// back from the attempt's step details, where flash (with expect) and
// expect-app leave their UpdateSummary.
import type { StepResult } from '../core/domain.js';
import type { UpdateSummary } from './update-check.js';

export interface AttemptUpdate {
  attempt: number;
  status: StepResult['status'];
  verdict: UpdateSummary['verdict'];
  claims: string[];
  /** First 8 hex digits of what runs, or null. */
  running: string | null;
  transferMs?: number;
  ms: number;
}

function isSummary(v: unknown): v is UpdateSummary {
  return typeof v === 'object' && v !== null && 'verdict' in v && 'claims' in v && Array.isArray((v as { claims: unknown }).claims);
}

/** The last update summary among a result's steps (children first, in order). */
export function lastUpdateOf(result: StepResult): UpdateSummary | undefined {
  let found: UpdateSummary | undefined;
  for (const c of result.children ?? [result]) {
    const u = c.details?.update;
    if (isSummary(u)) found = u;
  }
  return found;
}

export function attemptUpdates(attempts: readonly StepResult[]): AttemptUpdate[] {
  const out: AttemptUpdate[] = [];
  attempts.forEach((a, i) => {
    const u = lastUpdateOf(a);
    if (!u) return;
    const row: AttemptUpdate = {
      attempt: i + 1, status: a.status, verdict: u.verdict, claims: u.claims, running: u.running ? u.running.slice(0, 8) : null, ms: a.durationMs,
    };
    if (u.transferMs !== undefined) row.transferMs = u.transferMs;
    out.push(row);
  });
  return out;
}

/** How many attempts ended in each verdict. */
export function verdictCounts(rows: readonly AttemptUpdate[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.verdict] = (out[r.verdict] ?? 0) + 1;
  return out;
}
