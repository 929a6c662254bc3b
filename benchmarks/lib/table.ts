// A plain-text table for the terminal: a header row, then rows, columns
// padded to their widest cell; numbers right-aligned so digits line up.

export type Cell = string | number;

function text(cell: Cell): string {
  return typeof cell === 'number' ? (Number.isFinite(cell) ? String(cell) : '-') : cell;
}

export function formatTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => text(r[i] ?? '').length)));
  const line = (r: readonly Cell[]): string =>
    header
      .map((_, i) => {
        const cell = r[i] ?? '';
        const s = text(cell);
        return typeof cell === 'number' ? s.padStart(widths[i]!) : s.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(header.map((h) => '-'.repeat(h.length))), ...rows.map(line)].join('\n');
}

export type Verdict = 'MET' | 'MISSED' | 'NOT MEASURED';

/** "MET" or "MISSED" next to a target, as the issue asks. */
export function verdict(met: boolean): 'MET' | 'MISSED' {
  return met ? 'MET' : 'MISSED';
}

/**
 * A target judged on a measurement that may not exist: NOT MEASURED when
 * `unmeasured` names why (no bytes flowed, the reference itself failed, no
 * sample), never MET on nothing.
 */
export function judged(met: boolean, unmeasured: string | undefined): Verdict {
  return unmeasured !== undefined ? 'NOT MEASURED' : verdict(met);
}

/** a / b rounded to 2 decimals; NaN when either is missing or b is 0. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? Math.round((a / b) * 100) / 100 : Number.NaN;
}
