// The test app's log lines carry their board time (ms since boot) and, at
// 1000 lines/s, come exactly 1 ms apart: consecutive stamps are a sequence
// number, so a missing line shows as a gap even if the byte counts agreed.
const APP_LINE = /^(\d{10}) \[app\] INFO: /;

export function appLineGaps(lines: readonly string[]): { lines: number; missing: number } {
  let count = 0;
  let missing = 0;
  let last: number | undefined;
  for (const text of lines) {
    const m = APP_LINE.exec(text);
    if (!m) continue;
    const at = Number(m[1]);
    if (last !== undefined && at > last + 1) missing += at - last - 1;
    last = at;
    count++;
  }
  return { lines: count, missing };
}
