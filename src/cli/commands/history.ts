// `rig history`: the last runs of each plan on each board, from the history
// database the runs wrote (src/history), with their pass rates; `--steps`
// adds each step. One letter a run, oldest first: P pass, F fail,
// I infrastructure, S skipped; lower case when the run was cut short (bailed out).
import { resolve } from 'node:path';
import { ExitCode, InputError } from '../../core/errors.js';
import { readHistory, type JobHistory } from '../../history/query.js';

export interface HistoryOptions {
  history?: string;
  plan?: string[];
  board?: string[];
  last?: string;
  steps?: boolean;
  json?: boolean;
}

const LETTER: Record<string, string> = { pass: 'P', fail: 'F', infra: 'I', skip: 'S' };

function lastCount(text: string | undefined): number {
  if (text === undefined) return 10;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InputError(`--last: "${text}" is not a whole number of at least 1`, undefined, 'e.g. --last 10');
  return n;
}

const percent = (rate: number | null): string => (rate === null ? '-' : `${Math.round(rate * 100)}%`);
const letters = (runs: { status: string; bailedOut?: boolean }[]): string =>
  runs.map((r) => (r.bailedOut ? (LETTER[r.status] ?? '?').toLowerCase() : LETTER[r.status] ?? '?')).join('');

function table(rows: string[][]): string {
  const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(width[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

function text(path: string, jobs: JobHistory[], last: number, steps: boolean): string {
  let out = `history ${path} (last ${last} runs of each, oldest first: P pass, F fail, I infrastructure, S skipped; lower case: the run bailed out)\n`;
  if (jobs.length === 0) return out + 'no recorded runs match\n';
  const rows = [['PLAN', 'BOARD', 'RUNS', 'PASS RATE', 'LAST RUNS', 'LATEST RUN']];
  for (const j of jobs) {
    rows.push([j.plan, j.board, String(j.runs.length), percent(j.passRate), letters(j.runs), j.runs.at(-1)?.runId ?? '-']);
    if (steps) for (const s of j.steps ?? []) rows.push(['', `  ${s.step}`, String(s.runs.length), percent(s.passRate), letters(s.runs), '']);
  }
  return out + table(rows);
}

export function historyCommand(opts: HistoryOptions): number {
  const last = lastCount(opts.last);
  const path = resolve(opts.history ?? process.env.RIG_HISTORY ?? 'reports/history.db');
  const jobs = readHistory(path, { plans: opts.plan, boards: opts.board, last, steps: opts.steps ?? false });
  process.stdout.write(opts.json ? `${JSON.stringify({ history: path, last, jobs }, null, 2)}\n` : text(path, jobs, last, opts.steps ?? false));
  return ExitCode.ok;
}
