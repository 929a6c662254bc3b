// Records a finished (or cut-short) run in the history and says what changed
// since the previous recorded run of each plan on each board. Both happen in
// one IMMEDIATE transaction: the comparison reads the history as it stands
// when this run is added, and a second run ending at the same moment waits
// (busy timeout) and then compares with this one.
import { createHash } from 'node:crypto';
import type { BoardChanges, BoardReport, FlakyStep, RunChanges, RunReport } from '../report/model.js';
import { boardVerdict, exitStatus, reportedSteps } from '../report/verdict.js';
import { openHistoryForWriting, rows, type HistoryDb } from './database.js';
import { flakyInRepeats, stepRows, type StepRow } from './steps.js';

/** What the runner knows of a job beyond its report. */
export interface JobFacts {
  /** Device OS of the board, where the runner knows it (the simulated bench's board spec). */
  deviceOs?: string;
  /** Every firmware of the plan for this board: name -> SHA-256. */
  firmware: Record<string, string>;
  planFile?: string;
}

export interface RecordedRun {
  run: RunChanges;
  /** One per report board, in the report's order. */
  boards: BoardChanges[];
}

/** The firmware a job ran with as one comparable value: its SHA-256s by name, sorted. */
export function firmwareKey(firmware: Record<string, string>): string {
  const text = Object.entries(firmware).sort(([a], [b]) => a.localeCompare(b)).map(([n, sha]) => `${n}=${sha.toLowerCase()}`).join(',');
  return createHash('sha256').update(text).digest('hex');
}

export function recordRun(path: string, report: RunReport, factsOf: (board: BoardReport) => JobFacts): RecordedRun {
  const db = openHistoryForWriting(path);
  try {
    return db.transaction(() => writeRun(db, path, report, factsOf)).immediate();
  } finally {
    db.close();
  }
}

function writeRun(db: HistoryDb, path: string, report: RunReport, factsOf: (board: BoardReport) => JobFacts): RecordedRun {
  db.prepare(`INSERT INTO runs (id, bench, host, rig_version, started_at, ended_at, bailed_out, bail_reason, exit_code, recorded_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    report.runId, report.bench, report.host, report.rigVersion, report.startedAt, report.endedAt,
    report.bailOut ? 1 : 0, report.bailOut?.reason ?? null, exitStatus(report), new Date().toISOString(),
  );
  const insertJob = db.prepare(`INSERT INTO jobs (run_id, seq, plan, plan_file, board, device_id, platform, device_os, firmware, firmware_key, status, diagnosis, started_at, duration_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertStep = db.prepare(`INSERT INTO steps (job_id, idx, step_key, name, status, verdict, firmware_sha, diagnosis, duration_ms, attempts)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const boards = report.boards.map((b, seq): BoardChanges => {
    const facts = factsOf(b);
    const key = firmwareKey(facts.firmware);
    const steps = stepRows(reportedSteps(b));
    const changes = compare(db, report.runId, b, steps, key, facts.deviceOs ?? null);
    const job = insertJob.run(
      report.runId, seq, b.plan, facts.planFile ?? null, b.name, b.id, b.platform, facts.deviceOs ?? null,
      JSON.stringify(facts.firmware), key, boardVerdict(b), b.diagnosis ?? null, b.startedAt ?? null, Math.round(b.durationMs),
    );
    for (const s of steps) {
      insertStep.run(job.lastInsertRowid, s.idx, s.key, s.name, s.status, s.verdict, s.firmwareSha, s.diagnosis, s.durationMs, s.attempts);
    }
    return changes;
  });
  const insertHealth = db.prepare(`INSERT INTO health (run_id, board, device_id, platform, healthy, reason, checks, checked_at, duration_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const h of report.health ?? []) {
    insertHealth.run(report.runId, h.name, h.id, h.platform, h.healthy ? 1 : 0, h.reason ?? null, JSON.stringify(h.checks), report.startedAt, Math.round(h.durationMs));
  }
  const sum = (f: (c: BoardChanges) => number) => boards.reduce((n, c) => n + f(c), 0);
  return {
    run: {
      history: path,
      newFailures: sum((c) => c.newFailures.length),
      fixed: sum((c) => c.fixed.length),
      stillFailing: sum((c) => c.stillFailing.length),
      flaky: sum((c) => c.flaky.length),
      compared: boards.filter((c) => c.previousRun !== undefined).length,
    },
    boards,
  };
}

/** This job against the previous recorded one of the same plan on the same board, and its flaky steps. */
function compare(db: HistoryDb, runId: string, b: BoardReport, steps: StepRow[], firmwareKey: string, deviceOs: string | null): BoardChanges {
  // A run that did not get to the board (cut short before it, or it was missing) says nothing of its steps.
  const previous = rows<{ id: number; run_id: string }>(db,
    `SELECT j.id, j.run_id FROM jobs j WHERE j.plan = ? AND j.device_id = ? AND j.run_id <> ?
       AND EXISTS (SELECT 1 FROM steps s WHERE s.job_id = j.id AND s.status IN ('pass', 'fail'))
     ORDER BY j.id DESC LIMIT 1`, b.plan, b.id, runId)[0];
  const before = new Map(previous ? rows<{ step_key: string; status: string }>(db, 'SELECT step_key, status FROM steps WHERE job_id = ?', previous.id).map((r) => [r.step_key, r.status]) : []);
  const flaky: FlakyStep[] = flakyInRepeats(b.steps).map((f) => ({ ...f, seen: 'repeat' as const }));
  const counted = db.prepare(`SELECT SUM(s.status = 'pass') AS passed, SUM(s.status = 'fail') AS failed FROM steps s JOIN jobs j ON j.id = s.job_id
    WHERE j.plan = ? AND j.device_id = ? AND j.firmware_key = ? AND j.device_os IS ? AND s.step_key = ?`);
  for (const s of steps) {
    if (s.status !== 'pass' && s.status !== 'fail') continue;
    const r = counted.get(b.plan, b.id, firmwareKey, deviceOs, s.key) as { passed: number | null; failed: number | null };
    const passed = (r.passed ?? 0) + (s.status === 'pass' ? 1 : 0);
    const failed = (r.failed ?? 0) + (s.status === 'fail' ? 1 : 0);
    if (passed > 0 && failed > 0 && !flaky.some((f) => f.step === s.key)) flaky.push({ step: s.key, passed, failed, seen: 'history' });
  }
  const isFlaky = (key: string) => flaky.some((f) => f.step === key && f.seen === 'history');
  const changes: BoardChanges = { newFailures: [], fixed: [], stillFailing: [], flaky };
  if (!previous) return changes;
  changes.previousRun = previous.run_id;
  for (const s of steps) {
    const was = before.get(s.key);
    if (s.status === 'fail' && was === 'fail') changes.stillFailing.push(s.key);
    else if (s.status === 'fail' && !isFlaky(s.key)) changes.newFailures.push(s.key);
    else if (s.status === 'pass' && was === 'fail' && !isFlaky(s.key)) changes.fixed.push(s.key);
  }
  return changes;
}
