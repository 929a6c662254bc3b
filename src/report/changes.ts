// What changed since the previous recorded run, in words: the one short
// summary the console, TAP and report.json share ("2 new failures, 1 fixed,
// 1 flaky"), and a board's changes as one line. The comparison itself is the
// history's (src/history); reports only say it.
import type { BoardChanges, RunChanges } from './model.js';

function count(n: number, one: string, many = one): string | undefined {
  return n > 0 ? `${n} ${n === 1 ? one : many}` : undefined;
}

/** "2 new failures, 1 fixed, 1 flaky", "nothing changed", or that there was nothing to compare with. */
export function changesSummary(c: RunChanges): string {
  const parts = [
    count(c.newFailures, 'new failure', 'new failures'),
    count(c.fixed, 'fixed'),
    count(c.stillFailing, 'still failing'),
    count(c.flaky, 'flaky'),
  ].filter((p): p is string => p !== undefined);
  if (parts.length > 0) return parts.join(', ');
  return c.compared > 0 ? 'nothing changed' : 'nothing to compare with: first recorded run';
}

/** A board's changes in one line, or undefined when there are none to tell. */
export function boardChangesLine(c: BoardChanges): string | undefined {
  const parts: string[] = [];
  if (c.newFailures.length) parts.push(`new failure: ${c.newFailures.join(', ')}`);
  if (c.fixed.length) parts.push(`fixed: ${c.fixed.join(', ')}`);
  if (c.stillFailing.length) parts.push(`still failing: ${c.stillFailing.join(', ')}`);
  if (c.flaky.length) parts.push(`flaky: ${c.flaky.map((f) => `${f.step} (passed ${f.passed}, failed ${f.failed}, ${f.seen === 'repeat' ? 'in this repeat' : 'in the history'})`).join(', ')}`);
  if (parts.length === 0) return c.previousRun ? `nothing changed since run ${c.previousRun}` : undefined;
  return `${parts.join('; ')}${c.previousRun ? ` (since run ${c.previousRun})` : ''}`;
}
