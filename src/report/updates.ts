// Every update a board went through, side by side: the step that made it,
// the verdict, what the cloud or the tool claimed, what runs afterwards and
// how long the transfer took. Read from the `update` summaries steps leave in
// their details (a repeat's attempts included), so two binaries on the same
// link, or the same app in normal and safe mode, line up in one table.
import type { BoardReport, ReportStep } from './model.js';

export interface UpdateRow {
  /** Step title, with "attempt N" for a repeat's attempts. */
  step: string;
  firmware: string;
  via: string;
  verdict: string;
  claims: string[];
  running: string | null;
  /** Mode when an OTA was sent; mode at the end. */
  from: string | null;
  mode: string | null;
  transferMs: number | null;
}

interface Summary {
  /** Which flash of the board in the run: unique per update, shared by the steps telling the same one. */
  flashId?: number;
  firmware: string;
  via: string;
  verdict: string;
  claims: string[];
  running: string | null;
  from?: string;
  mode?: string;
  transferMs?: number;
}

function summaryOf(step: ReportStep): Summary | undefined {
  const u = step.details?.update;
  if (typeof u !== 'object' || u === null) return undefined;
  const s = u as Partial<Summary>;
  if (typeof s.verdict !== 'string' || typeof s.firmware !== 'string' || !Array.isArray(s.claims)) return undefined;
  return s as Summary;
}

function walk(steps: readonly ReportStep[], prefix: string, out: UpdateRow[], ids: (number | undefined)[]): void {
  for (const step of steps) {
    const name = prefix ? `${prefix} / ${step.name}` : step.name;
    if (step.children) walk(step.children, name, out, ids);
    const s = summaryOf(step);
    if (!s) continue;
    // expect-app after a flash tells the same update again: the later word
    // stands, under the step that made the update.
    // An update a fault of the plan interrupted stays interrupted: only the flash step knows
    // the fault fired, and a later look at the board says what runs, not why.
    let title = name;
    let verdict = s.verdict;
    if (s.flashId !== undefined && ids.at(-1) === s.flashId) {
      const earlier = out.pop();
      title = earlier?.step ?? name;
      if (earlier?.verdict === 'interrupted') verdict = 'interrupted';
      ids.pop();
    }
    ids.push(s.flashId);
    out.push({
      step: title, firmware: s.firmware, via: s.via, verdict, claims: [...s.claims],
      running: s.running ? s.running.slice(0, 8) : null, from: s.from ?? null, mode: s.mode ?? null, transferMs: s.transferMs ?? null,
    });
  }
}

/** The board's updates in the order they happened. */
export function updateRows(board: BoardReport): UpdateRow[] {
  const out: UpdateRow[] = [];
  walk(board.steps, '', out, []);
  return out;
}

/** One line per update, for a TAP comment or a terminal. */
export function updateLine(r: UpdateRow): string {
  const claimed = r.claims.filter((c) => !c.startsWith('spark/device/last_reset')).map((c) => c.replace(/^spark\/flash\/status /, '')).join(', ') || 'nothing';
  const took = r.transferMs !== null ? `, transfer ${(r.transferMs / 1000).toFixed(1)} s` : '';
  const from = r.from ? ` from ${r.from} mode` : '';
  return `${r.firmware} via ${r.via}${from}: ${r.verdict}; claimed: ${claimed}; runs: ${r.running ?? 'no app'}${r.mode ? ` (${r.mode} mode)` : ''}${took} [${r.step}]`;
}
