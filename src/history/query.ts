// What `rig history` shows: per plan and board (and per step) the last N
// recorded runs, oldest first, and the pass rate over them. The pass rate
// counts runs that reached a verdict on the firmware (pass or fail):
// infrastructure and skipped runs are shown but say nothing of it.
import { openHistoryForReading, rows } from './database.js';

export interface HistoryQuery {
  plans?: readonly string[];
  /** Board names or device IDs. */
  boards?: readonly string[];
  last: number;
  steps: boolean;
}

export interface RunEntry {
  runId: string;
  startedAt: string;
  status: string;
  durationMs: number;
  deviceOs: string | null;
  bailedOut: boolean;
}

export interface StepEntry {
  runId: string;
  status: string;
  verdict: string | null;
}

export interface StepHistory {
  step: string;
  runs: StepEntry[];
  passRate: number | null;
}

export interface JobHistory {
  plan: string;
  board: string;
  deviceId: string;
  platform: string;
  /** Oldest first. */
  runs: RunEntry[];
  passRate: number | null;
  steps?: StepHistory[];
}

export function passRate(statuses: readonly string[]): number | null {
  const judged = statuses.filter((s) => s === 'pass' || s === 'fail');
  return judged.length ? judged.filter((s) => s === 'pass').length / judged.length : null;
}

export function readHistory(path: string, q: HistoryQuery): JobHistory[] {
  const db = openHistoryForReading(path);
  try {
    const pairs = rows<{ plan: string; device_id: string }>(db, 'SELECT plan, device_id, MAX(id) AS latest FROM jobs GROUP BY plan, device_id ORDER BY plan, device_id');
    const out: JobHistory[] = [];
    for (const p of pairs) {
      if (q.plans?.length && !q.plans.includes(p.plan)) continue;
      const jobs = rows<{ id: number; run_id: string; board: string; platform: string; status: string; duration_ms: number; device_os: string | null; started_at: string; bailed_out: number }>(db,
        `SELECT j.id, j.run_id, j.board, j.platform, j.status, j.duration_ms, j.device_os, r.started_at, r.bailed_out
           FROM jobs j JOIN runs r ON r.id = j.run_id WHERE j.plan = ? AND j.device_id = ? ORDER BY j.id DESC LIMIT ?`,
        p.plan, p.device_id, q.last).reverse();
      const latest = jobs.at(-1)!;
      if (q.boards?.length && !q.boards.includes(latest.board) && !q.boards.includes(p.device_id)) continue;
      const entry: JobHistory = {
        plan: p.plan, board: latest.board, deviceId: p.device_id, platform: latest.platform,
        runs: jobs.map((j) => ({ runId: j.run_id, startedAt: j.started_at, status: j.status, durationMs: j.duration_ms, deviceOs: j.device_os, bailedOut: j.bailed_out === 1 })),
        passRate: passRate(jobs.map((j) => j.status)),
      };
      if (q.steps) entry.steps = stepHistory(db, jobs.map((j) => ({ id: j.id, runId: j.run_id })));
      out.push(entry);
    }
    return out;
  } finally {
    db.close();
  }
}

function stepHistory(db: ReturnType<typeof openHistoryForReading>, jobs: { id: number; runId: string }[]): StepHistory[] {
  const byKey = new Map<string, { order: number; runs: StepEntry[] }>();
  const stmt = db.prepare('SELECT step_key, idx, status, verdict FROM steps WHERE job_id = ? ORDER BY idx');
  jobs.forEach((job, j) => {
    for (const raw of stmt.all(job.id) as { step_key: string; idx: number; status: string; verdict: string | null }[]) {
      const e = byKey.get(raw.step_key) ?? { order: j * 1000 + raw.idx, runs: [] };
      // The latest run's order wins: steps listed as the plan has them now.
      e.order = j * 1000 + raw.idx;
      e.runs.push({ runId: job.runId, status: raw.status, verdict: raw.verdict });
      byKey.set(raw.step_key, e);
    }
  });
  const last = jobs.length - 1;
  return [...byKey.entries()]
    .sort(([, a], [, b]) => rank(a.order, last) - rank(b.order, last))
    .map(([step, e]) => ({ step, runs: e.runs, passRate: passRate(e.runs.map((r) => r.status)) }));
}

/** Steps of the latest run first, in its order; steps it no longer has after them. */
function rank(order: number, last: number): number {
  const job = Math.floor(order / 1000);
  return job === last ? order % 1000 : 1_000_000 + order;
}
