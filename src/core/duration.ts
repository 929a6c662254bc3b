// Durations as people write them: "500ms", "30s", "2m", "1h", "1h30m", in
// milliseconds. Shared by plans and benches (src/plan/duration.ts adds the
// schema and its messages) and by the firmware layer's behaviour flags.

const NUM = '(\\d+(?:\\.\\d+)?)';
/** Units largest first, each at most once; "m" is not the start of "ms". */
export const DURATION_PATTERN = `^(?=\\d)(?:${NUM}h)?(?:${NUM}m(?!s))?(?:${NUM}s)?(?:${NUM}ms)?$`;
export const DURATION_RE = new RegExp(DURATION_PATTERN);
const UNIT_MS = [3_600_000, 60_000, 1000, 1] as const;

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
