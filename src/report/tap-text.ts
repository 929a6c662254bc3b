// Text rules of TAP 14 lines: what a description, a directive reason and a
// bail-out reason may contain without changing how a parser reads the line.

/** One line: newlines and other control characters become spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
}

/** A test point description or directive reason: `\` and `#` escaped. */
export function escapeTap(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

/** The `# time=` directive value: whole milliseconds, never negative. */
export function timeDirective(durationMs: number): string {
  const ms = Number.isFinite(durationMs) && durationMs > 0 ? Math.round(durationMs) : 0;
  return `# time=${ms}ms`;
}
