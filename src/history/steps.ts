// A report's steps as the history keeps them: a key that finds the same step
// in another run of the plan (its title, numbered when a title repeats), the
// update verdict, the firmware SHA-256 it used, and a repeat's attempts.
import type { ReportStep } from '../report/model.js';
import { isSha256, stepKeys, updateVerdictOf } from '../report/step-keys.js';

export interface StepRow {
  idx: number;
  key: string;
  name: string;
  status: ReportStep['status'];
  verdict: string | null;
  firmwareSha: string | null;
  diagnosis: string | null;
  durationMs: number;
  /** A repeat's attempts counted by status, as JSON. */
  attempts: string | null;
}

/** The SHA-256 of the firmware the step sent or looked for, when it names one. */
export function firmwareShaOf(step: ReportStep): string | null {
  const sha = step.details?.sha256;
  if (isSha256(sha)) return sha.toLowerCase();
  if (step.name.startsWith('expect-app ')) {
    const want = isSha256(step.expected) ? step.expected : isSha256(step.actual) ? step.actual : undefined;
    if (want) return want.toLowerCase();
  }
  return null;
}

export function stepRows(steps: readonly ReportStep[]): StepRow[] {
  const keys = stepKeys(steps);
  return steps.map((s, i) => {
    const attempts = s.children?.length ? JSON.stringify(countStatuses(s.children)) : null;
    return {
      idx: i,
      key: keys[i]!,
      name: s.name,
      status: s.status,
      verdict: updateVerdictOf(s),
      firmwareSha: firmwareShaOf(s),
      diagnosis: (s.status === 'skip' ? s.skipReason : s.diagnosis) ?? null,
      durationMs: Math.round(s.durationMs),
      attempts,
    };
  });
}

function countStatuses(steps: readonly ReportStep[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of steps) out[s.status] = (out[s.status] ?? 0) + 1;
  return out;
}

/**
 * Steps inside a repeat that passed in one attempt and failed in another:
 * flaky within this run (same board, same firmware, same Device OS).
 */
export function flakyInRepeats(steps: readonly ReportStep[]): { step: string; passed: number; failed: number }[] {
  const out: { step: string; passed: number; failed: number }[] = [];
  for (const s of steps) {
    if (!s.children?.length) continue;
    const tally = new Map<string, { passed: number; failed: number }>();
    for (const attempt of s.children) {
      const inner = attempt.children ?? [];
      const keys = stepKeys(inner);
      inner.forEach((c, i) => {
        const t = tally.get(keys[i]!) ?? { passed: 0, failed: 0 };
        if (c.status === 'pass') t.passed++;
        if (c.status === 'fail') t.failed++;
        tally.set(keys[i]!, t);
      });
    }
    for (const [key, t] of tally) if (t.passed > 0 && t.failed > 0) out.push({ step: `${s.name} / ${key}`, ...t });
  }
  return out;
}
