// What changed since the previous recorded run, in words: the one short
// summary the console, TAP and report.json share ("2 new failures, 1 fixed,
// 1 flaky"), and a board's changes as one line. The comparison itself is the
// history's (src/history); reports only say it.
import type { BoardChanges, RunChanges } from './model.js';

function count(n: number, one: string, many = one): string | undefined {
  return n > 0 ? `${n} ${n === 1 ? one : many}` : undefined;
}

/**
 * "2 new failures, 1 fixed, 1 flaky" (and how many still fail), "nothing changed" (still failing
 * ones named by count), or that there was nothing to compare with.
 */
export function changesSummary(c: RunChanges): string {
  const parts = [
    count(c.newFailures, 'new failure', 'new failures'),
    count(c.fixed, 'fixed'),
    count(c.flaky, 'flaky'),
  ].filter((p): p is string => p !== undefined);
  const still = count(c.stillFailing, 'still failing');
  if (parts.length > 0) return [...parts, ...(still ? [still] : [])].join(', ');
  if (c.compared === 0) return 'nothing to compare with: first recorded run';
  return still ? `nothing changed: ${still}` : 'nothing changed';
}

/** A board's changes in one line, or undefined when there are none to tell. */
export function boardChangesLine(c: BoardChanges): string | undefined {
  const parts: string[] = [];
  if (c.newFailures.length) parts.push(`new failure: ${c.newFailures.join(', ')}`);
  if (c.fixed.length) parts.push(`fixed: ${c.fixed.join(', ')}`);
  if (c.flaky.length) parts.push(`flaky: ${c.flaky.map((f) => `${f.step} (passed ${f.passed}, failed ${f.failed}, ${f.seen === 'repeat' ? 'in this repeat' : 'in the history'})`).join(', ')}`);
  const still = c.stillFailing.length ? `still failing: ${c.stillFailing.join(', ')}` : undefined;
  if (parts.length === 0) return c.previousRun ? `nothing changed since run ${c.previousRun}${still ? `; ${still}` : ''}` : undefined;
  return `${[...parts, ...(still ? [still] : [])].join('; ')}${c.previousRun ? ` (since run ${c.previousRun})` : ''}`;
}
