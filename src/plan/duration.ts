// Durations in plans and benches: "500ms", "30s", "2m", "1h", "1h30m".
// Always board time, in milliseconds. A bare number is refused: 30 could be
// seconds or milliseconds, and guessing wrong makes a test lie.
import { z } from 'zod';
import { DURATION_RE, parseDuration } from '../core/duration.js';
import { withFix } from '../yaml/describe.js';

export { DURATION_PATTERN, formatDuration, parseDuration } from '../core/duration.js';

const EXAMPLE = 'a duration like 30s or 2m';
const UNITS_FIX = 'units: ms, s, m, h; combine them largest first, as in 1h30m';

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
