// What identifies a step across runs, and the update verdict it judged: the
// history compares runs by these keys, and JUnit names its testcases by them,
// so a CI tool's per-test history and the rig's own agree on which step is which.
import type { ReportStep } from './model.js';

/** Keys of a list of steps: the title, then `#2`, `#3` for the same title again. */
export function stepKeys(steps: readonly { name: string }[]): string[] {
  const seen = new Map<string, number>();
  return steps.map((s) => {
    const n = (seen.get(s.name) ?? 0) + 1;
    seen.set(s.name, n);
    return n === 1 ? s.name : `${s.name} #${n}`;
  });
}

export const isSha256 = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/i.test(v);

/** The update verdict a step judged: a flash's own (`actual`), or an expectation's `details.update.verdict`. */
export function updateVerdictOf(step: ReportStep): string | null {
  const update = step.details?.update as { verdict?: unknown } | undefined;
  if (typeof update?.verdict === 'string') return update.verdict;
  if (step.name.startsWith('flash ') && typeof step.actual === 'string' && !isSha256(step.actual)) return step.actual;
  return null;
}
