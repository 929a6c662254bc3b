// A bench host's agent: opens its bench, registers the boards in the lab's
// registry with a heartbeat, checks each board's health (the looks `rig
// boards --health` takes; again before each run's first job on a board, and
// while a board is unhealthy: board-health.ts), then takes the jobs of its
// boards' queues (take-jobs.ts) and keeps beating until stopped. A stop bails out the
// running jobs at their current step before the agent leaves the lab.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedBench } from '../bench/loader.js';
import { openBenchSession } from '../runner/bench-session.js';
import { DEFAULT_HEALTH_TIMEOUT_MS } from '../runner/health.js';
import { BoardHealthKeeper } from './board-health.js';
import { InfraError } from '../core/errors.js';
import { connectLab } from './connection.js';
import { takeJobs, type JobTaker } from './take-jobs.js';
import { beatAndRestore, HEARTBEAT_EVERY_MS, refuseHeldBoards, registerBoards, unregister, type AgentIdentity, type RegisteredBoard } from './registry.js';

export interface AgentOptions {
  queueUrl: string;
  bench: LoadedBench;
  /** The host's name in the lab (default the machine's). */
  host?: string;
  /** Aborts when the agent is to stop (SIGTERM, SIGINT). */
  stop: AbortSignal;
  /** One line of what the agent does, for its log. */
  say(line: string): void;
  /** The rig's version, for the job reports. */
  rigVersion: string;
  /** How often an unhealthy board is looked at again (board-health.ts's default unless a test says). */
  recheckEveryMs?: number;
}

// A stop is asked to finish within 2 s; a Redis that does not answer must not hold it (the heartbeat then expires).
const UNREGISTER_LIMIT_MS = 1500;

function bounded<T>(work: Promise<T>, ms: number, why: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => void (timer = setTimeout(() => reject(new Error(`${why} within ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export async function runAgent(o: AgentOptions): Promise<void> {
  const lab = await connectLab(o.queueUrl, { keepTrying: true });
  const host = o.host ?? hostname();
  const who: AgentIdentity = { agent: `${host}-${process.pid}-${randomBytes(3).toString('hex')}`, host, pid: process.pid, bench: o.bench.bench.name };
  // Before the bench starts: a clash is a wrong bench file, said at once. Registering checks again.
  const session = await refuseHeldBoards(lab.redis, who, o.bench.bench.boards)
    .then(() => {
      o.say(`agent ${who.agent}: opening bench ${o.bench.bench.name}`);
      return openBenchSession(o.bench, o.stop);
    })
    .catch(async (err: unknown) => {
      await lab.close();
      // Stopped while the bench started: the agent never served, which is no success (exit 3).
      if (o.stop.aborted) throw new InfraError(`${String(o.stop.reason)} while the bench was starting: no board was registered`);
      throw err;
    });
  const ids = session.boards.map((b) => b.id);
  const dir = await mkdtemp(join(tmpdir(), 'rig-agent-'));
  let heartbeat: NodeJS.Timeout | undefined;
  let beating: Promise<void> | undefined;
  let jobs: JobTaker | undefined;
  const health = new BoardHealthKeeper({
    lab, who, session, timeScale: o.bench.bench.timeScale, timeoutMs: o.bench.bench.health?.timeout ?? DEFAULT_HEALTH_TIMEOUT_MS, dir, signal: o.stop, say: o.say,
    ...(o.recheckEveryMs !== undefined ? { recheckEveryMs: o.recheckEveryMs } : {}),
  });
  try {
    const now = new Date().toISOString();
    const boards: RegisteredBoard[] = session.boards.map((b) => ({
      name: b.name, platform: b.platform, tags: b.tags, id: b.id, ...(b.deviceOs ? { deviceOs: b.deviceOs } : {}),
      host, agent: who.agent, bench: who.bench, health: { state: 'checking' }, registeredAt: now,
    }));
    await registerBoards(lab.redis, who, boards);
    o.say(`agent ${who.agent}: registered ${boards.map((b) => b.name).join(', ')} in ${lab.address.display}`);
    heartbeat = setInterval(() => {
      if (beating) return; // the last one still waits for a Redis that is away
      const current = boards.map((b) => ({ ...b, health: health.state(b.id) ?? b.health }));
      beating = beatAndRestore(lab.redis, who, current).then(
        (restored) => { if (restored.length) o.say(`agent ${who.agent}: the lab had lost ${restored.join(', ')} (Redis restarted?): registered again`); },
        (err: unknown) => o.say(`agent ${who.agent}: heartbeat failed: ${lab.redact(err instanceof Error ? err.message : String(err))}`),
      ).finally(() => { beating = undefined; });
    }, HEARTBEAT_EVERY_MS);

    await health.checkNow(ids);
    // Jobs only after the first check: a job would find a board that still says "checking".
    if (!o.stop.aborted) {
      jobs = await takeJobs({
        lab, who, session, boards, benchName: o.bench.bench.name, timeScale: o.bench.bench.timeScale, rigVersion: o.rigVersion, dir, say: o.say, health,
      });
      health.startRechecks();
      o.say(`agent ${who.agent}: taking jobs for ${boards.map((b) => b.name).join(', ')}`);
    }
    if (!o.stop.aborted) await new Promise<void>((resolve) => o.stop.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    // Running jobs bail out at their current step and report so; the heartbeat goes on meanwhile.
    health.stop();
    await jobs?.close(String(o.stop.reason ?? 'stopped'));
    clearInterval(heartbeat);
    // A beat in flight could put the boards back after they were removed.
    await bounded(beating ?? Promise.resolve(), 500, 'Redis did not answer').catch(() => undefined);
    // The lab learns first; the bench's own shutdown may take longer.
    await bounded(unregister(lab.redis, who, ids), UNREGISTER_LIMIT_MS, 'Redis did not answer').then(
      () => o.say(`agent ${who.agent}: unregistered`),
      (err: unknown) => o.say(`agent ${who.agent}: could not unregister (its boards show offline once the heartbeat expires): ${lab.redact(err instanceof Error ? err.message : String(err))}`),
    );
    await bounded(lab.close(), 500, 'Redis did not close').catch(() => lab.redis.disconnect());
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
}
