// Durations in plans and benches: "500ms", "30s", "2m", "1h", "1h30m".
// Always board time, in milliseconds. A bare number is refused: 30 could be
// seconds or milliseconds, and guessing wrong makes a test lie.
import { z } from 'zod';
import { withFix } from '../yaml/describe.js';

const NUM = '(\\d+(?:\\.\\d+)?)';
/** Units largest first, each at most once; "m" is not the start of "ms". */
export const DURATION_PATTERN = `^(?=\\d)(?:${NUM}h)?(?:${NUM}m(?!s))?(?:${NUM}s)?(?:${NUM}ms)?$`;
const DURATION_RE = new RegExp(DURATION_PATTERN);
const UNIT_MS = [3_600_000, 60_000, 1000, 1] as const;

const EXAMPLE = 'a duration like 30s or 2m';
const UNITS_FIX = 'units: ms, s, m, h; combine them largest first, as in 1h30m';

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  return Math.round(UNIT_MS.reduce((sum, unit, i) => sum + Number(m[i + 1] ?? 0) * unit, 0));
}

/** The shortest way to write `ms` ("1h30m", "500ms"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

function notDuration(input: unknown): string {
  if (typeof input === 'number') {
    return withFix(`${input} is not ${EXAMPLE}`, `a bare number has no unit; write ${input}s, or ${input}ms for milliseconds`);
  }
  if (typeof input === 'string') return withFix(`'${input}' is not ${EXAMPLE}`, UNITS_FIX);
  return withFix(`expected ${EXAMPLE}, got ${input === null || input === undefined ? 'nothing' : typeof input}`, UNITS_FIX);
}

/** A duration in YAML; parses to milliseconds of board time. */
export const Duration = z
  .string({ error: (iss) => notDuration(iss.input) })
  .regex(DURATION_RE, { error: (iss) => notDuration(iss.input) })
  .transform((text) => parseDuration(text) ?? 0)
  .meta({ description: 'board time, e.g. 500ms, 30s, 2m, 1h30m' });
