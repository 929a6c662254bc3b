// An agent's side of the jobs: one BullMQ Worker per board it holds, on that
// board's queue, concurrency 1. A job runs only while its run's coordinator
// is alive and the run not cancelled; it takes the board's lease first and
// renews it as BullMQ renews the job's lock; it runs through the runner
// (runCarriedJob) and publishes each step as the job's progress, so a host
// that dies is reported at its step. Stalled jobs are never retried
// (maxStalledCount 0): a flash must not happen twice behind the plan's back.
// A cancel (published by the coordinator) or a lost lease aborts the runner
// through BullMQ's own signal for the job. A run's first job on a board
// checks the board's health first (board-health.ts keeps the answer); a
// board found unhealthy runs none of that run's jobs.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker, type Job } from 'bullmq';
import type { BenchSession } from '../runner/bench-session.js';
import { notRunRow, stopReason } from '../runner/bail-out.js';
import { runCarriedJob } from '../runner/run-carried-job.js';
import { boardVerdict } from '../report/verdict.js';
import type { DeviceId } from '../core/domain.js';
import type { LabConnection } from './connection.js';
import { boardQueue, CANCEL_CHANNEL, LEASE_MS, LEASE_RENEW_MS, packArtifact, QUEUE_PREFIX, runAliveKey, runCancelledKey, type LabJobData, type LabJobProgress, type LabJobResult, type PackedArtifact } from './jobs.js';
import { takeBoardLease } from './lease.js';
import type { AgentIdentity } from './registry.js';
import type { BoardHealthKeeper } from './board-health.js';

export interface JobTakerOptions {
  lab: LabConnection;
  who: AgentIdentity;
  session: BenchSession;
  /** The boards to take jobs for (the healthy ones the agent registered). */
  boards: readonly { id: string; name: string }[];
  benchName: string;
  timeScale: number;
  rigVersion: string;
  /** Where each job gets its own folder. */
  dir: string;
  say(line: string): void;
  /** The boards' health: checked before each run's first job on a board; a board's checks and jobs never overlap. */
  health: BoardHealthKeeper;
}

export interface JobTaker {
  /** Aborts the running jobs with `reason` ("stopped by SIGTERM"; each ends its current step and bails out), then stops taking jobs; bounded. */
  close(reason: string): Promise<void>;
}

/** How long a stopping agent waits for its running jobs to bail out before it leaves them to their leases. */
const CLOSE_LIMIT_MS = 10_000;

export async function takeJobs(o: JobTakerOptions): Promise<JobTaker> {
  const { lab, who } = o;
  const running = new Map<string, { runId: string; worker: Worker }>();
  const cancelledByCoordinator = new Set<string>();
  /** Set once the agent is stopping: the jobs it cuts short are the host's doing, not the run's. */
  let stopping: string | undefined;
  const workers: Worker[] = [];
  const redact = (err: unknown) => lab.redact(err instanceof Error ? err.message : String(err));
  /** Jobs whose lease BullMQ could not renew: they stop, and BullMQ's errors about them are said once. */
  const leaseLost = new Set<string>();
  /** Per board, the run whose first job found it unhealthy, and why: that run's later jobs on it do not run. */
  const unhealthyFor = new Map<string, { runId: string; reason: string }>();

  // Cancels arrive as messages; a job that starts later finds the run's cancelled key instead.
  const listener = lab.redis.duplicate();
  listener.on('error', () => undefined); // its reconnection says nothing new; the main connection reports
  await listener.subscribe(CANCEL_CHANNEL);
  listener.on('message', (_channel: string, text: string) => {
    let message: { runId?: string; reason?: string };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    for (const [jobId, job] of running) {
      if (job.runId !== message.runId) continue;
      o.say(`agent ${who.agent}: job ${jobId}: cancelled by its coordinator (${message.reason ?? 'cancelled'})`);
      cancelledByCoordinator.add(jobId);
      job.worker.cancelJob(jobId, `cancelled by the coordinator: ${message.reason ?? 'cancelled'}`);
    }
  });

  for (const b of o.boards) {
    const worker: Worker<LabJobData, LabJobResult> = new Worker<LabJobData, LabJobResult>(
      boardQueue(b.id),
      // After the board's health check, if one is under way: the two would drive the same board.
      (job, _token, signal) => o.health.exclusive(b.id, () => runJob(job, b, worker, signal ?? new AbortController().signal)),
      {
        connection: lab.bullOptions, prefix: QUEUE_PREFIX, concurrency: 1, autorun: false,
        lockDuration: LEASE_MS, lockRenewTime: LEASE_RENEW_MS,
        // A stalled job fails; never back to the queue.
        maxStalledCount: 0, stalledInterval: LEASE_MS,
      },
    );
    worker.on('error', (err) => {
      const text = redact(err);
      // BullMQ's own words for a job whose lease is gone (renewal, then finishing it), said once below.
      if ([...leaseLost].some((id) => text.includes(`job ${id}`))) return;
      o.say(`agent ${who.agent}: ${b.name}'s queue: ${text}`);
    });
    worker.on('lockRenewalFailed', (ids: string[]) => {
      // The job's lease is gone (the host or Redis was away longer than the lease): whoever looks now
      // sees it stalled, and its coordinator has reported it lost. It must not go on acting on the board.
      for (const id of ids) {
        leaseLost.add(id);
        o.say(`agent ${who.agent}: job ${id}: its lease on ${b.name} expired (the host or Redis was away over ${LEASE_MS / 1000} s); the job stops, and its result is not delivered`);
        worker.cancelJob(id, `the job's lease on ${b.name} could not be renewed`);
      }
    });
    workers.push(worker);
  }

  async function runJob(job: Job<LabJobData, LabJobResult>, queueBoard: { id: string; name: string }, worker: Worker, signal: AbortSignal): Promise<LabJobResult> {
    const data = job.data;
    const jobId = job.id ?? '?';
    const board = { name: data.board.name, platform: data.board.platform, id: data.board.id as DeviceId };
    const result = (report: LabJobResult['report'], artifacts: PackedArtifact[] = []): LabJobResult => ({ report: { ...report, host: who.host }, artifacts, agent: who.agent });
    // A job only ever drives the board whose queue it came from.
    if (data.board.id !== queueBoard.id) return result(notRunRow(board, data.plan.name, 'infra', `the job for ${data.board.name} (${data.board.id}) reached the queue of ${queueBoard.name}; not run`));
    const [alive, cancelled] = await Promise.all([lab.redis.exists(runAliveKey(data.runId)), lab.redis.exists(runCancelledKey(data.runId))]);
    if (cancelled) return result(notRunRow(board, data.plan.name, 'skip', 'not run: the run was cancelled before the job began'));
    if (!alive) return result(notRunRow(board, data.plan.name, 'skip', `not run: the coordinator of run ${data.runId} stopped answering before the job began`));
    const unhealthy = unhealthyFor.get(data.board.id);
    if (data.job.index > 0 && unhealthy?.runId === data.runId) return result(notRunRow(board, data.plan.name, 'infra', unhealthy.reason));
    const lease = await takeBoardLease(lab.redis, data.board.id, { jobId, runId: data.runId, agent: who.agent, host: who.host });
    if ('heldBy' in lease) {
      const by = lease.heldBy ? `job ${lease.heldBy.jobId} of run ${lease.heldBy.runId} on host ${lease.heldBy.host}` : 'another job';
      return result(notRunRow(board, data.plan.name, 'infra', `the board's lease is held by ${by}`));
    }
    running.set(jobId, { runId: data.runId, worker });
    // Said only once the job holds the board: this line is the job's execution (a test counts them).
    o.say(`agent ${who.agent}: job ${jobId} started: ${data.plan.name} on ${data.board.name} (run ${data.runId})`);
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    // The lease lives as long as BullMQ's lock: renewed together, lost together.
    const keeper = setInterval(() => {
      void Promise.all([lease.renew(), lab.redis.exists(runAliveKey(data.runId))]).then(([held, runAlive]) => {
        if (!held) stop.abort(`the lease on ${data.board.name} was lost`);
        else if (!runAlive) stop.abort(`the coordinator of run ${data.runId} stopped answering`);
      }, () => undefined); // Redis away: BullMQ's lock renewal fails too and says so
    }, LEASE_RENEW_MS);
    let current: LabJobProgress['step'];
    const publish = (p: Omit<LabJobProgress, 'host' | 'agent'>) => void job.updateProgress({ host: who.host, agent: who.agent, ...p }).catch(() => undefined);
    try {
      const outcome = await runCarriedJob({
        job: { ...data, firmware: data.firmware.map((f) => ({ ...f, content: Buffer.from(f.content, 'base64') })) },
        session: o.session, benchName: o.benchName, timeScale: o.timeScale, rigVersion: o.rigVersion,
        dir: join(o.dir, jobId), signal: stop.signal,
        // As a local run: the board's health before the run's first job on it.
        ...(data.job.index === 0 ? { health: o.health.jobCheck } : {}),
        onStep: (e) => {
          current = { index: e.index, total: e.total, title: e.title };
          const r = e.result;
          publish({ step: current, ...(r ? { result: { status: r.status, name: r.name, durationMs: r.durationMs, ...(r.diagnosis ? { diagnosis: r.diagnosis } : {}), ...(r.skipReason ? { skipReason: r.skipReason } : {}) } } : {}) });
        },
        onNote: (_b, text) => publish({ ...(current ? { step: current } : {}), note: text }),
      });
      const artifacts: PackedArtifact[] = [];
      if (outcome.captures.trace) artifacts.push(packArtifact('trace.log', outcome.captures.trace));
      if (outcome.captures.events) artifacts.push(packArtifact('events.ndjson', outcome.captures.events));
      if (outcome.captures.timeline) artifacts.push(packArtifact('timeline.ndjson', outcome.captures.timeline));
      const { artifacts: _paths, ...row } = outcome.report;
      if (data.job.index === 0 && !stop.signal.aborted) {
        // What the check found is the registry's too (a job that never got to check, say on a wrong SHA-256, says nothing of the board).
        const checked = outcome.health ? await o.health.recordJobCheck(data.board.id, outcome.health) : undefined;
        if (checked?.state === 'unhealthy') unhealthyFor.set(data.board.id, { runId: data.runId, reason: row.diagnosis ?? `the board failed its health check: ${checked.reason}` });
        else unhealthyFor.delete(data.board.id);
      }
      // A job the host cut short (its own stop, a lease it lost, a coordinator gone silent) did not
      // run as the plan says: infrastructure, never the pass its finished steps and skipped rest
      // add up to (the run's bail-out stays on this host). The steps it finished keep their results.
      // A coordinator's cancel is the coordinator's to report.
      if (stop.signal.aborted && !cancelledByCoordinator.has(jobId)) {
        const where = `during step ${(current?.index ?? 0) + 1}${current ? ` (${current.title})` : ''} of ${data.plan.name} on ${data.board.name}`;
        row.status = 'infra';
        row.diagnosis = stopping !== undefined ? `host ${who.host} was ${stopping} ${where}` : `host ${who.host} stopped the job ${where}: ${stopReason(stop.signal)}`;
      }
      o.say(`agent ${who.agent}: job ${jobId} ended: ${boardVerdict({ ...row, artifacts: {} })}`);
      return { ...result({ ...row, artifacts: {} }, artifacts), ...(outcome.health ? { health: outcome.health } : {}) };
    } finally {
      clearInterval(keeper);
      signal.removeEventListener('abort', onAbort);
      running.delete(jobId);
      cancelledByCoordinator.delete(jobId);
      await lease.release().catch(() => undefined); // unreleased, it expires with LEASE_MS
      await rm(join(o.dir, jobId), { recursive: true, force: true });
    }
  }

  for (const w of workers) void w.run().catch((err: unknown) => o.say(`agent ${who.agent}: a worker stopped: ${redact(err)}`));
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  return {
    close: async (reason) => {
      stopping = reason;
      for (const w of workers) w.cancelAllJobs(reason);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => void (timer = setTimeout(() => resolve('late'), CLOSE_LIMIT_MS)));
      const closed = await Promise.race([Promise.all(workers.map((w) => w.close())).then(() => 'closed' as const), late]);
      clearTimeout(timer);
      if (closed === 'late') {
        o.say(`agent ${who.agent}: jobs did not bail out within ${CLOSE_LIMIT_MS} ms; their leases expire by themselves`);
        await Promise.allSettled(workers.map((w) => w.close(true)));
      }
      listener.disconnect();
    },
  };
}
