// The statistics of a repeat: attempts, passes, failures by verdict and
// the wall time of each attempt, for the report's details.
import type { StepResult } from '../core/domain.js';

export interface RepeatStats {
  attempts: number;
  passes: number;
  failures: { fail: number; infra: number };
  skips: number;
  /** 1-based number of the first attempt that failed (status fail), or null. */
  firstFailure: number | null;
  msPerAttempt: number[];
  minMs: number;
  meanMs: number;
  maxMs: number;
}

export function repeatStats(attempts: readonly StepResult[]): RepeatStats {
  const count = (s: StepResult['status']) => attempts.filter((a) => a.status === s).length;
  const ms = attempts.map((a) => a.durationMs);
  const first = attempts.findIndex((a) => a.status === 'fail');
  return {
    attempts: attempts.length,
    passes: count('pass'),
    failures: { fail: count('fail'), infra: count('infra') },
    skips: count('skip'),
    firstFailure: first < 0 ? null : first + 1,
    msPerAttempt: ms,
    minMs: ms.length ? Math.min(...ms) : 0,
    meanMs: ms.length ? Math.round(ms.reduce((a, b) => a + b, 0) / ms.length) : 0,
    maxMs: ms.length ? Math.max(...ms) : 0,
  };
}
