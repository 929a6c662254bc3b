// `rig run --queue`: a run across the lab. The boards come from the
// registry (the plans' selectors and --board pick among them); a board that
// is offline or unhealthy gets an infrastructure row, never silence. The run
// is enqueued as one BullMQ flow: a parent per run, a child per (plan,
// board) job on that board's queue, carrying the plan's text and firmware.
// The coordinator follows the jobs (QueueEvents for the live steps, a poll
// of each job's state and lock as the truth), and writes one report with
// the same writers as a local run, each board with its host.
//
// Its one rule: a job's row comes from the agent that ran it, or says why
// not (queued and cancelled, host gone at step N, failed in the queue).
// A job whose lock expired is the host's death: it is reported as
// infrastructure and removed, never run again.
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import type { DeviceId, StepResult } from '../core/domain.js';
import { InfraError, InputError } from '../core/errors.js';
import type { PlatformName } from '../core/platform.js';
import type { BoardHealth, BoardReport, RunReport } from '../report/model.js';
import { exitStatus } from '../report/verdict.js';
import { writeFileAtomic } from '../report/write.js';
import { bailOut, bailOutIfStopped, bailOutStopped, notRunRow, stopReason } from '../runner/bail-out.js';
import { preparePlans, type PreparedPlan } from '../runner/prepare.js';
import { newRunId } from '../runner/run-id.js';
import type { StepEvent } from '../runner/run-board.js';
import { recordAndWrite, type RunOutcome, type RunRequest, type RunWatcher } from '../runner/run-on-bench.js';
import { emptyReport } from '../runner/run-plans.js';
import { connectLab, type LabConnection } from './connection.js';
import {
  boardQueue, CANCEL_CHANNEL, carry, LEASE_MS, QUEUE_PREFIX, RUN_ALIVE_MS, runAliveKey, runCancelledKey, RUNS_QUEUE, unpackArtifact,
  type LabJobData, type LabJobProgress, type LabJobResult, type PackedArtifact,
} from './jobs.js';
import { labBoards, type LabBoard } from './registry.js';
import { pathVariables } from './plan-text.js';

export interface LabRunRequest extends Pick<RunRequest, 'plans' | 'only' | 'repeat' | 'variables' | 'reportDir' | 'copies' | 'rigVersion' | 'history'> {
  /** redis://HOST:PORT[/DB] of the lab (credentials from the environment). */
  queueUrl: string;
  /** Ctrl-C, SIGTERM: queued jobs are removed, running ones aborted, the report bails out. */
  signal: AbortSignal;
  /** How long a job may wait in its board's queue behind other runs' jobs once it could start (--lock-wait); DEFAULT_QUEUE_WAIT_MS when absent. */
  queueWaitMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface LabWatcher extends Pick<RunWatcher, 'historyFailed' | 'written' | 'bailedOut'> {
  /** The run has its id and folder; `boards` are the labels of the boards it uses (`board @ host`). */
  started?(run: { runId: string; dir: string; boards: string[] }): void;
  /** A step of a job began or ended on its host; `board` is the board's label. */
  step?(e: StepEvent): void;
  note?(board: string, text: string): void;
  /** Something the person running it should know (a capture cut at its cap, a cancel, a host lost). */
  say?(line: string): void;
}

export interface LabRunOutcome extends RunOutcome {
  /** Per job that ran: from enqueued to started on its host, in ms. */
  dispatchMs: number[];
}

/** Each job's queue times (added, taken by its host, finished, dispatch ms), in the run folder. */
export const LAB_JOBS_FILE = 'lab-jobs.json';

/** A lab's boards are shared by runs that last an hour: a job waits this long behind them unless told (--lock-wait). */
export const DEFAULT_QUEUE_WAIT_MS = 60 * 60_000;

/** Jobs a coordinator that died could not remove expire after this long (seconds). */
const LEFTOVER_AGE_S = 24 * 3600;

/** How long the end of a run may spend removing its jobs and closing its connections. */
const CLEANUP_LIMIT_MS = 5000;

function within(ms: number, work: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => void (timer = setTimeout(() => reject(new Error('late')), ms)));
  return Promise.race([work(), late]).finally(() => clearTimeout(timer));
}

/** How often the coordinator looks at its jobs' states and locks. */
const POLL_MS = 250;
/** After a cancel, how long running jobs get to bail out before they are given up on (their lease runs out before). */
const CANCEL_LIMIT_MS = LEASE_MS + 10_000;

interface Tracked {
  plan: PreparedPlan<LabPoolBoard>;
  planIndex: number;
  board: LabPoolBoard;
  jobId: string;
  queue: Queue;
  data: LabJobData;
  state: 'queued' | 'running' | 'done';
  host: string;
  /** Since when it could have started: its board's previous job of the run is done (or it is the first). */
  readySince?: number;
  step?: LabJobProgress['step'];
  results: StepResult[];
  row?: BoardReport;
  artifacts?: PackedArtifact[];
  /** The board's health check its host made before the job (a run's first job on a board). */
  health?: BoardHealth;
  /** BullMQ's times of the job: added, taken by its host's worker, finished. */
  times?: { added: number; taken: number; finished: number };
}

type LabPoolBoard = Omit<LabBoard, 'id' | 'platform'> & { id: DeviceId; platform: PlatformName };

const label = (b: { name: string; host: string }): string => `${b.name} @ ${b.host}`;

/** Why a job cannot be sent to its board, or undefined when it can. */
function unavailable(b: LabBoard): string | undefined {
  if (!b.online) return `host ${b.host} is offline (its agent stopped answering); the board was not used`;
  if (b.health.state === 'checking') return `host ${b.host} has not finished checking the board's health; the board was not used`;
  if (b.health.state === 'unhealthy') return `the board failed its health check on host ${b.host}: ${b.health.reason}`;
  return undefined;
}

function lostReason(t: Tracked): string {
  const where = t.step ? `during step ${t.step.index + 1} (${t.step.title})` : 'before its first step';
  return `host ${t.host} stopped answering ${where} of ${t.plan.loaded.plan.name} on ${t.board.name}`;
}

export async function runPlansOnLab(request: LabRunRequest, watch: LabWatcher = {}): Promise<LabRunOutcome> {
  const lab = await connectLab(request.queueUrl, request.env ? { env: request.env } : {});
  try {
    return await coordinate(lab, request, watch);
  } finally {
    await lab.close();
  }
}

async function coordinate(lab: LabConnection, request: LabRunRequest, watch: LabWatcher): Promise<LabRunOutcome> {
  const registered = await labBoards(lab.redis);
  if (registered.length === 0) throw new InfraError(`the lab at ${lab.address.display} has no boards`, 'start `rig agent --queue ...` on each bench host');
  const pool = { name: `lab ${lab.address.display}`, boards: registered.map((b): LabPoolBoard => ({ ...b, id: b.id as DeviceId, platform: b.platform as PlatformName })) };
  const prepared = await preparePlans(request.plans, pool, { only: request.only, repeat: request.repeat, variables: request.variables });
  const planTexts = await Promise.all(prepared.map((p) => readFile(p.loaded.file, 'utf8')));
  const signal = request.signal;
  const runId = newRunId();
  const dir = resolve(request.reportDir ?? join('reports', runId));
  mkdirSync(dir, { recursive: true });
  const report: RunReport = emptyReport({ runId, rigVersion: request.rigVersion, bench: pool.name, runs: prepared.map((p) => ({ loaded: p.loaded, boards: [] })) });
  const tracked: Tracked[] = [];
  const notSent: { planIndex: number; row: BoardReport }[] = [];
  const dispatchMs: number[] = [];
  const queues = new Map<string, Queue>();
  const events: QueueEvents[] = [];
  let flows: FlowProducer | undefined;
  let runs: Queue | undefined;
  let alive: NodeJS.Timeout | undefined;
  const jobsOn = new Map<string, number>();
  for (const p of prepared) for (const b of p.boards) if (!unavailable(b.bench)) jobsOn.set(b.bench.id, (jobsOn.get(b.bench.id) ?? 0) + 1);
  watch.started?.({ runId, dir, boards: [...new Map(prepared.flatMap((p) => p.boards.map((b) => [b.bench.id, label(b.bench)] as const))).values()] });
  try {
    const seen = new Map<string, number>();
    for (const [planIndex, p] of prepared.entries()) {
      for (const b of p.boards) {
        const why = unavailable(b.bench);
        if (why) {
          notSent.push({ planIndex, row: { ...notRunRow(b.bench, p.loaded.plan.name, 'infra', why), host: b.bench.host } });
          continue;
        }
        let queue = queues.get(b.bench.id);
        if (!queue) {
          queues.set(b.bench.id, (queue = new Queue(boardQueue(b.bench.id), { connection: lab.redis, prefix: QUEUE_PREFIX })));
          // Without a listener an 'error' event would end the process; the connection retries by itself.
          queue.on('error', (err) => watch.say?.(`lab: queue of ${b.bench.name}: ${lab.redact(err.message)}`));
        }
        const index = seen.get(b.bench.id) ?? 0;
        seen.set(b.bench.id, index + 1);
        const data: LabJobData = {
          runId,
          plan: { name: p.loaded.plan.name, file: basename(p.loaded.file), text: planTexts[planIndex]!, repeat: request.repeat ?? 1, pathVariables: pathVariables(p.loaded.plan) },
          board: { name: b.bench.name, id: b.bench.id, platform: b.bench.platform, host: b.bench.host },
          job: { index, total: jobsOn.get(b.bench.id) ?? 1 },
          firmware: [...b.firmware.values()].map((f) => carry(f.name, f.source, f.image)),
        };
        tracked.push({ plan: p, planIndex, board: b.bench, jobId: `${runId}.${planIndex}.${b.bench.id}`, queue, data, state: 'queued', host: b.bench.host, results: [] });
      }
    }
    if (tracked.length) {
      // The run is alive while this key is: an agent runs no job of a coordinator that is gone.
      await lab.redis.set(runAliveKey(runId), '1', 'PX', RUN_ALIVE_MS);
      alive = setInterval(() => void lab.redis.set(runAliveKey(runId), '1', 'PX', RUN_ALIVE_MS).catch(() => undefined), RUN_ALIVE_MS / 5);
      // Listening before the jobs exist: QueueEvents reads only what comes after it started.
      for (const [id, queue] of queues) {
        const e = new QueueEvents(queue.name, { connection: lab.bullOptions, prefix: QUEUE_PREFIX });
        e.on('progress', ({ jobId, data }) => onProgress(tracked.find((t) => t.jobId === jobId), data as unknown as LabJobProgress));
        e.on('error', (err) => watch.say?.(`lab: events of ${id}: ${lab.redact(err.message)}`));
        events.push(e);
      }
      await Promise.all(events.map((e) => e.waitUntilReady()));
      // The coordinator's commands share its one connection, which gives up when Redis does (a lost
      // lab is the run's bail-out, never a wait without end); only QueueEvents blocks, on its own.
      flows = new FlowProducer({ connection: lab.redis, prefix: QUEUE_PREFIX });
      runs = new Queue(RUNS_QUEUE, { connection: lab.redis, prefix: QUEUE_PREFIX });
      flows.on('error', (err: Error) => watch.say?.(`lab: ${lab.redact(err.message)}`));
      runs.on('error', (err: Error) => watch.say?.(`lab: ${lab.redact(err.message)}`));
      if (!signal.aborted) {
        await flows.add({
          name: 'run', queueName: RUNS_QUEUE, data: { runId, plans: prepared.map((p) => p.loaded.plan.name) },
          opts: { jobId: runId, removeOnComplete: { age: LEFTOVER_AGE_S }, removeOnFail: { age: LEFTOVER_AGE_S } },
          children: tracked.map((t) => ({
            name: `${t.data.plan.name} on ${t.board.name}`, queueName: t.queue.name, data: t.data,
            // attempts 1: a job that failed or stalled is reported, never run again. A coordinator removes
            // its jobs when it writes the report; one that died leaves them to expire after a day.
            opts: { jobId: t.jobId, attempts: 1, removeOnComplete: { age: LEFTOVER_AGE_S }, removeOnFail: { age: LEFTOVER_AGE_S } },
          })),
        });
      }
      await follow(lab, tracked, signal, watch, runId, request.queueWaitMs ?? DEFAULT_QUEUE_WAIT_MS);
      const dispatch = dispatchTimes(tracked);
      dispatchMs.push(...dispatch.values());
      // Each job's way through the queues, beside the reports: where a lab's time went.
      await writeFileAtomic(join(dir, LAB_JOBS_FILE), `${JSON.stringify(tracked.map((t) => ({
        job: t.jobId, plan: t.data.plan.name, board: t.board.name, host: t.host, ...(t.times ?? {}), ...(dispatch.has(t) ? { dispatchMs: dispatch.get(t) } : {}),
      })), null, 2)}\n`);
    }
  } catch (err) {
    if (signal.aborted && !(err instanceof InputError)) {
      bailOutStopped(report, prepared, signal);
    } else {
      // A command that failed because the connection is gone is the lab's reach, said as such.
      const lost = lab.redis.status !== 'ready' && !(err instanceof InputError) && !(err instanceof InfraError);
      const why = lost
        ? new InfraError(`lost the lab's Redis at ${lab.address.display} during the run: ${lab.redact(err instanceof Error ? err.message : String(err))}`, 'check that redis-server runs there; the jobs already reported are in the report')
        : err;
      bailOut(report, prepared, why);
      watch.bailedOut?.(why);
    }
  } finally {
    clearInterval(alive);
    await lab.redis.del(runAliveKey(runId)).catch(() => undefined);
    // The run's jobs leave Redis with it: their rows are in the report now. Bounded: a lab that
    // stopped answering must not keep the report from being written.
    const runsQueue = runs;
    await within(CLEANUP_LIMIT_MS, async () => {
      if (runsQueue) {
        await Job.fromId(runsQueue, runId).then((parent) => parent?.remove({ removeChildren: true })).catch(() => undefined);
        for (const t of tracked) await Job.fromId(t.queue, t.jobId).then((j) => j?.remove()).catch(() => undefined);
      }
      await Promise.allSettled([...events.map((e) => e.close()), ...[...queues.values()].map((q) => q.close()), flows?.close(), runsQueue?.close()]);
    }).catch(() => watch.say?.(`lab: Redis did not answer within ${CLEANUP_LIMIT_MS / 1000} s at the end; jobs left there expire after a day`));
    // Plan order, as a local run lists them; rows the run never got bail out below.
    const rows = [...tracked.filter((t) => t.row).map((t) => ({ planIndex: t.planIndex, row: t.row! })), ...notSent];
    rows.sort((a, b) => a.planIndex - b.planIndex);
    const already = report.boards.splice(0);
    report.boards.push(...rows.map((r) => r.row), ...already.filter((x) => !rows.some((r) => r.row.id === x.id && r.row.plan === x.plan)));
    await writeArtifacts(tracked, dir, watch);
    const checked = tracked.flatMap((t) => (t.health ? [t.health] : []));
    if (checked.length) report.health = checked;
    if (signal.aborted) bailOutStopped(report, prepared, signal);
    bailOutIfStopped(report, signal);
    report.endedAt = new Date().toISOString();
  }
  const written = await recordAndWrite(report, prepared, { dir, history: request.history, copies: request.copies }, watch);
  return { report, written, exitCode: exitStatus(report), dispatchMs };

  function onProgress(t: Tracked | undefined, p: LabJobProgress): void {
    if (!t || t.state === 'done' || typeof p !== 'object' || p === null) return;
    t.state = 'running';
    t.host = p.host ?? t.host;
    if (p.step) t.step = p.step;
    const base = { board: label(t.board), plan: t.data.plan.name, job: t.data.job };
    if (p.note) watch.note?.(base.board, p.note);
    else if (p.step && p.result) {
      t.results[p.step.index] = p.result as StepResult;
      watch.step?.({ ...base, index: p.step.index, total: p.step.total, title: p.step.title, result: p.result as StepResult });
    } else if (p.step) watch.step?.({ ...base, index: p.step.index, total: p.step.total, title: p.step.title });
  }
}

/** Follows the jobs until each has its row: finished on its host, lost with its host, or cancelled in the queue. */
async function follow(lab: LabConnection, tracked: Tracked[], signal: AbortSignal, watch: LabWatcher, runId: string, queueWaitMs: number): Promise<void> {
  let cancelledAt: number | undefined;
  const added = Date.now();
  for (const t of tracked) if (t.data.job.index === 0) t.readySince = added;
  const done = (t: Tracked, row: BoardReport) => {
    t.state = 'done';
    t.row = { ...row, host: row.host ?? t.host };
    const next = tracked.find((x) => x.board.id === t.board.id && x.data.job.index === t.data.job.index + 1);
    if (next) next.readySince = Date.now();
  };
  while (tracked.some((t) => t.state !== 'done')) {
    if (signal.aborted && cancelledAt === undefined) {
      cancelledAt = Date.now();
      const reason = stopReason(signal);
      // The key for agents that start a job later, the message for those running one now.
      await lab.redis.set(runCancelledKey(runId), reason, 'PX', 3_600_000);
      await lab.redis.publish(CANCEL_CHANNEL, JSON.stringify({ runId, reason }));
      for (const t of tracked.filter((x) => x.state === 'queued')) {
        const job = await Job.fromId(t.queue, t.jobId);
        // A job that became active meanwhile is locked: remove refuses it, and it bails out on its host.
        const removed = await job?.remove().then(() => true, () => false);
        if (removed || !job) done(t, notRunRow(t.board, t.data.plan.name, 'skip', `not run: ${reason}`));
      }
    }
    const online = new Map((await labBoards(lab.redis)).map((b) => [b.id, b.online]));
    for (const t of tracked.filter((x) => x.state !== 'done')) {
      const state = await t.queue.getJobState(t.jobId);
      if (state === 'completed') {
        const job = await Job.fromId<LabJobData, LabJobResult>(t.queue, t.jobId);
        const result = job?.returnvalue;
        if (!job || !result) continue; // between the state and the read: the next look
        if (job.processedOn && job.finishedOn) t.times = { added: job.timestamp, taken: job.processedOn, finished: job.finishedOn };
        t.artifacts = result.artifacts;
        if (result.health) t.health = result.health;
        done(t, result.report);
      } else if (state === 'failed') {
        const job = await Job.fromId(t.queue, t.jobId);
        const why = job?.failedReason ?? 'no reason given';
        // BullMQ fails a stalled job (maxStalledCount 0) when its host comes back: the host died with it.
        const row = notRunRow(t.board, t.data.plan.name, 'infra', /stalled/i.test(why) ? lostReason(t) : `the job failed on host ${t.host}: ${why}`);
        done(t, { ...row, steps: t.results.filter(Boolean) });
      } else if (state === 'active') {
        t.state = 'running';
        // The lock is the job's lease: gone means its host stopped renewing it.
        const locked = await lab.redis.exists(`${t.queue.toKey(t.jobId)}:lock`);
        // A job that finished between the two reads has no lock either: only one still active lost it.
        if (locked || (await t.queue.getJobState(t.jobId)) !== 'active') continue;
        const reason = lostReason(t);
        watch.say?.(`lab: ${reason}: the job is infrastructure and is not run again`);
        await Job.fromId(t.queue, t.jobId).then((j) => j?.remove()).catch(() => undefined);
        const steps: StepResult[] = t.results.filter(Boolean);
        if (t.step && !t.results[t.step.index]) steps.push({ status: 'infra', name: t.step.title, durationMs: 0, diagnosis: reason });
        done(t, { ...notRunRow(t.board, t.data.plan.name, 'infra', reason), steps });
      } else if (state === 'unknown') {
        done(t, notRunRow(t.board, t.data.plan.name, 'infra', 'the job left its queue without a result (removed by someone else)'));
      } else if (online.get(t.board.id) !== true) {
        // Queued for a host that went away (one that stopped cleanly left the registry): it would wait forever.
        const removed = await Job.fromId(t.queue, t.jobId).then((j) => j?.remove()).then(() => true, () => false);
        if (removed) done(t, notRunRow(t.board, t.data.plan.name, 'infra', `host ${t.host} went offline before the job began`));
      } else if (t.readySince !== undefined && Date.now() - t.readySince > queueWaitMs) {
        // Behind other runs' jobs on its board for longer than the run would wait.
        const removed = await Job.fromId(t.queue, t.jobId).then((j) => j?.remove()).then(() => true, () => false);
        if (removed) done(t, notRunRow(t.board, t.data.plan.name, 'infra', `the board was busy with other runs' jobs for ${Math.round(queueWaitMs / 1000)} s; the job did not start (--lock-wait)`));
      }
    }
    if (cancelledAt !== undefined && Date.now() - cancelledAt > CANCEL_LIMIT_MS) {
      for (const t of tracked.filter((x) => x.state !== 'done')) {
        done(t, notRunRow(t.board, t.data.plan.name, 'infra', `host ${t.host} did not end the job within ${CANCEL_LIMIT_MS / 1000} s of the cancel`));
      }
    }
    if (tracked.some((t) => t.state !== 'done')) await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * The lab's own cost per job: from when it could start (enqueued, and the
 * board's previous job of the run finished) to when its host's worker took
 * it. Waiting behind the board's earlier jobs is the plan's order, not cost.
 */
function dispatchTimes(tracked: readonly Tracked[]): Map<Tracked, number> {
  const out = new Map<Tracked, number>();
  for (const t of tracked) {
    if (!t.times) continue;
    const before = tracked.filter((x) => x.board.id === t.board.id && x.data.job.index < t.data.job.index && x.times).map((x) => x.times!.finished);
    out.set(t, t.times.taken - Math.max(t.times.added, ...before));
  }
  return out;
}

/** Each job's captures into the run folder: `BOARD/` for a board's only job, `BOARD/N-PLAN/` when it had several. */
async function writeArtifacts(tracked: readonly Tracked[], dir: string, watch: LabWatcher): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  for (const t of tracked) {
    if (!t.row || !t.artifacts?.length) continue;
    const folder = t.data.job.total > 1 ? join(dir, t.board.name, `${t.data.job.index + 1}-${t.data.plan.name}`) : join(dir, t.board.name);
    await mkdir(folder, { recursive: true });
    const cut: string[] = [];
    for (const a of t.artifacts) {
      const path = join(folder, a.name);
      await writeFile(path, unpackArtifact(a));
      if (a.name === 'trace.log') t.row.artifacts.trace = path;
      if (a.name === 'events.ndjson') t.row.artifacts.events = path;
      if (a.cutFrom !== undefined) cut.push(`${a.name}: first ${a.bytes} of ${a.cutFrom} bytes`);
    }
    if (cut.length) {
      t.row.artifacts.cut = cut;
      watch.say?.(`lab: ${t.board.name} (${t.data.plan.name}): captures cut at the lab's cap: ${cut.join('; ')}`);
    }
  }
}
