// Durations in plans and benches: "500ms", "30s", "2m", "1h", "1h30m".
// Always board time, in milliseconds. A bare number is refused: 30 could be
// seconds or milliseconds, and guessing wrong makes a test lie.
import { z } from 'zod';
import { DURATION_RE, formatDuration, parseDuration } from '../core/duration.js';
import { quote, withFix } from '../yaml/describe.js';

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

/** The longest duration a plan or bench may give: a week of board time (a soak, not a typo). */
export const MAX_DURATION_MS = 168 * 3_600_000;
/** The shortest step or plan `timeout`: less leaves a board no time to answer at all. */
export const MIN_TIMEOUT_MS = 1000;

/** A duration in YAML; parses to milliseconds of board time. */
export const Duration = z
  .string({ error: (iss) => notDuration(iss.input) })
  .regex(DURATION_RE, { error: (iss) => notDuration(iss.input) })
  .transform((text, ctx) => {
    const ms = parseDuration(text) ?? 0;
    if (ms <= MAX_DURATION_MS) return ms;
    ctx.issues.push({ code: 'custom', input: text, message: withFix(`${quote(text)} is longer than 168h (a week), the longest duration a plan may give`, 'give a shorter duration') });
    return z.NEVER;
  })
  .meta({ description: 'board time, e.g. 500ms, 30s, 2m, 1h30m' });

/** A step's or a plan's `timeout`: a duration of at least a second. */
export const Timeout = Duration.refine((ms) => ms >= MIN_TIMEOUT_MS, {
  error: (iss) => withFix(`a timeout of ${formatDuration(Number(iss.input))} leaves the board no time to answer`, 'give at least 1s; omit timeout for the default'),
});
