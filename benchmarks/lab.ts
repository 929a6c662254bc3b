// A lab against one host: the field suite (plans/field) and the smoke plan
// on 12 simulated boards, once as `rig run` on one host holding all 12, once
// as `rig run --queue` across 3 agents of 4 boards each (a real
// redis-server, the agents as separate processes with their own simulated
// benches, started before the rounds as a lab's hosts are). Wall time is
// each command's, spawn to exit; the one host's includes starting its
// simulated bench, which a lab's agents did once before. Dispatch overhead
// per job is the coordinator's lab-jobs.json: from when a job could start
// (enqueued, its board's previous job finished) to when its host took it;
// the target is a median under 20 ms. The agents run one smoke job each
// before the rounds, uncounted, as long-running hosts are warm. Rounds alternate one host and the lab
// so background load drifts over both; a round where a board did not pass
// counts for neither wall time (it measured something else).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { copies, readSimBench, writeBench, type SimBenchDoc } from './lib/bench-files.js';
import { freePort, launchRedisServer } from './lib/redis-server.js';
import { RIG_BIN, SMOKE_PLAN, type WorkDir } from './lib/paths.js';
import { readReport } from './lib/report-json.js';
import { passedBoards, runRig, type RigRun } from './lib/rig-run.js';
import { median, percentile } from './lib/stats.js';
import { FIELD_PLANS } from './suite.js';

export const LAB_DISPATCH_TARGET_MS = 20;
const HOSTS = 3;
const BOARDS_PER_HOST = 4;

export interface LabOptions {
  rounds: number;
  log(line: string): void;
}

export interface LabRow {
  what: 'field suite' | 'smoke';
  jobs: number;
  /** Wall ms of each passing round. */
  oneHostMs: number[];
  labMs: number[];
  /** Best passing round; NaN when none passed. */
  oneHostBestMs: number;
  labBestMs: number;
}

export interface LabResult {
  rows: LabRow[];
  /** Dispatch ms of every job of every lab round that passed. */
  dispatchMs: number[];
  dispatchMedianMs: number;
  dispatchP95Ms: number;
  /** Only each board's first job of a run (a later one is taken as its board's previous job finishes, often in 0 ms). */
  firstJobsMs: number[];
  firstJobsMedianMs: number;
  /** Rounds that did not pass on every board, and why. */
  failures: string[];
  notMeasured?: string;
}

interface Started {
  child: ChildProcess;
  log: () => string;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Started {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => void (log += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => void (log += d));
  return { child, log: () => log };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const late = sleep(10_000, undefined, { ref: false }).then(() => 'late' as const);
  if ((await Promise.race([exited, late])) === 'late') child.kill('SIGKILL');
}

async function waitFor(what: string, ready: () => boolean, limitMs: number, logs: () => string): Promise<void> {
  const t0 = Date.now();
  while (!ready()) {
    if (Date.now() - t0 > limitMs) throw new Error(`${what}: not within ${limitMs / 1000} s\n${logs().split('\n').slice(-8).join('\n')}`);
    await sleep(200);
  }
}

/** The k-th host's four boards: copy k of each board of the built-in bench. */
function hostBench(twelve: SimBenchDoc, k: number): SimBenchDoc {
  return { ...twelve, bench: `lab-host-${k}`, boards: twelve.boards.filter((b) => b.name.endsWith(`-${k}`)) };
}

async function labRun(work: WorkDir, url: string, env: NodeJS.ProcessEnv, plan: string, reportDir: string): Promise<{ run: RigRun; dispatchMs: number[]; firstJobsMs: number[] }> {
  const t0 = performance.now();
  const r = await execa(process.execPath, [RIG_BIN, 'run', '--queue', url, '--report-dir', reportDir, '--no-history', plan], {
    cwd: work.dir, env, reject: false, all: true, timeout: 10 * 60_000, forceKillAfterDelay: 2000,
  });
  const wallMs = performance.now() - t0;
  if (r.timedOut) throw new Error(`rig run --queue ${plan} took longer than 10 min`);
  const report = await readReport(join(reportDir, 'report.json')).catch((err: Error) => {
    throw new Error(`rig run --queue ${plan} (exit ${r.exitCode}) left no report: ${err.message}\n${String(r.all ?? '').split('\n').slice(-5).join('\n')}`);
  });
  // In plan order: a board's first entry is its first job of the run.
  const jobs = JSON.parse(await readFile(join(reportDir, 'lab-jobs.json'), 'utf8')) as { board: string; dispatchMs?: number }[];
  const first = jobs.filter((j, i) => jobs.findIndex((x) => x.board === j.board) === i);
  const ms = (list: typeof jobs) => list.flatMap((j) => (j.dispatchMs === undefined ? [] : [j.dispatchMs]));
  return { run: { wallMs, exitCode: r.exitCode ?? -1, report }, dispatchMs: ms(jobs), firstJobsMs: ms(first) };
}

const allPassed = (run: RigRun): boolean => run.report.boards.length > 0 && passedBoards(run).length === run.report.boards.length;

/** Which boards did not pass and the first step that says why, so a round that does not count says what happened. */
function notPassed(run: RigRun): string {
  const passed = new Set(passedBoards(run));
  const bad = run.report.boards.filter((b) => !passed.has(b));
  return `${bad.length} of ${run.report.boards.length} boards did not pass: ${bad.map((b) => {
    const step = b.steps.find((x) => x.status !== 'pass');
    return `${b.name} ${b.status}${step ? ` at ${step.name}${step.diagnosis ? ` (${step.diagnosis.slice(0, 120)})` : ''}` : ''}`;
  }).join('; ')}`;
}

export async function benchLab(work: WorkDir, o: LabOptions): Promise<LabResult> {
  const twelve = copies(await readSimBench(), HOSTS);
  if (twelve.boards.length !== HOSTS * BOARDS_PER_HOST) throw new Error(`the built-in bench gives ${twelve.boards.length} boards in ${HOSTS} copies, not ${HOSTS * BOARDS_PER_HOST}`);
  const oneHost = await writeBench(work.path('lab-one-host.yaml'), { ...twelve, bench: 'lab-one-host' });
  const port = await freePort();
  const password = `bench-${randomBytes(12).toString('hex')}`;
  const env = { RIG_REDIS_PASSWORD: password };
  const redis = await launchRedisServer(port, password);
  const agents: Started[] = [];
  const rows: LabRow[] = [
    { what: 'field suite', jobs: 0, oneHostMs: [], labMs: [], oneHostBestMs: Number.NaN, labBestMs: Number.NaN },
    { what: 'smoke', jobs: 0, oneHostMs: [], labMs: [], oneHostBestMs: Number.NaN, labBestMs: Number.NaN },
  ];
  const dispatchMs: number[] = [];
  const firstJobsMs: number[] = [];
  const failures: string[] = [];
  try {
    const url = `redis://127.0.0.1:${port}`;
    for (let k = 1; k <= HOSTS; k++) {
      const file = await writeBench(work.path(`lab-host-${k}.yaml`), hostBench(twelve, k));
      agents.push(start(process.execPath, [RIG_BIN, 'agent', '--queue', url, '--bench', file, '--host', `host-${k}`], { ...env, RIG_LOCK_DIR: work.path(`locks-host-${k}`) }, work.dir));
    }
    const logs = () => agents.map((a) => a.log()).join('\n');
    o.log(`lab: ${HOSTS} agents of ${BOARDS_PER_HOST} boards starting`);
    await waitFor('every agent taking jobs', () => agents.every((a) => /taking jobs for/.test(a.log())), 120_000, logs);
    // A lab's agents run for days: their first job pays Node's warm-up (measured: ~50 ms a job, one
    // after the other), which is not what a lab costs a job. One smoke run, not counted, warms them.
    o.log('lab: warm-up, smoke across the agents (not counted)');
    await labRun(work, url, env, SMOKE_PLAN, work.path('lab-warm-up'));
    for (let r = 1; r <= o.rounds; r++) {
      for (const [row, plan] of [[rows[0]!, FIELD_PLANS], [rows[1]!, SMOKE_PLAN]] as const) {
        o.log(`lab: ${row.what} on one host of 12 boards, round ${r} of ${o.rounds}`);
        const local = await runRig({ plan, bench: oneHost, reportDir: work.path(`one-${row.what}-${r}`), limitMs: 10 * 60_000 });
        if (allPassed(local)) row.oneHostMs.push(Math.round(local.wallMs));
        else failures.push(`${row.what} on one host, round ${r}: ${notPassed(local)}`);
        o.log(`lab: ${row.what} across ${HOSTS} agents, round ${r} of ${o.rounds}`);
        const lab = await labRun(work, url, env, plan, work.path(`lab-${row.what}-${r}`));
        row.jobs = lab.run.report.boards.length;
        if (allPassed(lab.run)) {
          row.labMs.push(Math.round(lab.run.wallMs));
          dispatchMs.push(...lab.dispatchMs);
          firstJobsMs.push(...lab.firstJobsMs);
        } else failures.push(`${row.what} across the lab, round ${r}: ${notPassed(lab.run)}`);
      }
    }
  } finally {
    await Promise.all(agents.map((a) => stop(a.child)));
    await stop(redis);
  }
  const best = (ms: number[]) => (ms.length ? Math.min(...ms) : Number.NaN);
  for (const row of rows) {
    row.oneHostBestMs = best(row.oneHostMs);
    row.labBestMs = best(row.labMs);
  }
  const notMeasured = dispatchMs.length === 0 ? ['no lab round passed on every board', ...failures].join('; ') : undefined;
  return {
    rows, dispatchMs, dispatchMedianMs: median(dispatchMs), dispatchP95Ms: percentile(dispatchMs, 95),
    firstJobsMs, firstJobsMedianMs: median(firstJobsMs), failures, ...(notMeasured ? { notMeasured } : {}),
  };
}
