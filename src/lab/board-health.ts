// What a lab agent knows of its boards' health, and the registry's copy of
// it. A board is checked when the agent starts, before each run's first job
// on it (inside that job, as a local run checks a board before its first
// job: a board an earlier run left off or broken is never handed the next
// run's firmware to fail on), and again every RECHECK_EVERY_MS while it is
// unhealthy, so a board plugged in or powered again serves again without a
// restart of its agent. A board's checks and its jobs never overlap: both go
// through `exclusive`.
import type { HealthReading } from '../core/board-contract.js';
import type { BoardHealth } from '../report/model.js';
import type { BenchSession } from '../runner/bench-session.js';
import { checkBoardsNow, type HealthOptions } from '../runner/health.js';
import type { LabConnection } from './connection.js';
import { updateHealth, type AgentIdentity, type RegisteredHealth } from './registry.js';

/** How often an unhealthy board is looked at again. */
export const RECHECK_EVERY_MS = 30_000;

export interface BoardHealthKeeperOptions {
  lab: LabConnection;
  who: AgentIdentity;
  session: BenchSession;
  timeScale: number;
  /** Board ms the looks may take together (the bench's health.timeout). */
  timeoutMs: number;
  /** Where the boards' captures go while they are checked. */
  dir: string;
  /** Aborts the checks when the agent stops. */
  signal: AbortSignal;
  say(line: string): void;
  /** How often an unhealthy board is looked at again (RECHECK_EVERY_MS unless a test says). */
  recheckEveryMs?: number;
}

function registered(healthy: boolean, reason: string | undefined): RegisteredHealth {
  const checkedAt = new Date().toISOString();
  return healthy ? { state: 'healthy', checkedAt } : { state: 'unhealthy', reason: reason ?? 'health check failed', checkedAt };
}

/** The registry's health from a look outside a run: a string is why the board could not be checked. */
function fromReading(reading: HealthReading | string | undefined): RegisteredHealth {
  if (reading === undefined || typeof reading === 'string') return registered(false, reading ?? 'not checked');
  return registered(reading.healthy, reading.reason);
}

export class BoardHealthKeeper {
  private readonly states = new Map<string, RegisteredHealth>();
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly rechecking = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: BoardHealthKeeperOptions) {}

  /** Runs `work` once the board's earlier checks and jobs are done; the next waits for it. */
  exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(id) ?? Promise.resolve()).then(work, work);
    this.tails.set(id, run.catch(() => undefined));
    return run;
  }

  state(id: string): RegisteredHealth | undefined {
    return this.states.get(id);
  }

  /** The check a run's first job on a board makes (runPlans' own), with the bench's time for it. */
  get jobCheck(): HealthOptions {
    return { timeoutMs: this.o.timeoutMs };
  }

  /** What that check found: the registry's too. */
  recordJobCheck(id: string, h: BoardHealth): Promise<RegisteredHealth> {
    const health = registered(h.healthy, h.reason);
    return this.record(id, health).then(() => health);
  }

  /** Looks at these boards now, each when it is free, and records what was found. */
  async checkNow(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.exclusive(id, async () => {
      if (this.o.signal.aborted) return;
      const readings = await checkBoardsNow(this.o.session, {
        timeScale: this.o.timeScale, timeoutMs: this.o.timeoutMs, dir: this.o.dir, holder: `rig agent ${this.o.who.agent}`, signal: this.o.signal, only: [id],
      });
      if (!this.o.signal.aborted) await this.record(id, fromReading(readings.get(id)));
    })));
  }

  /** The board's health as found now: kept, written to the registry, and said when it changed. */
  async record(id: string, health: RegisteredHealth): Promise<void> {
    const before = this.states.get(id);
    this.states.set(id, health);
    await updateHealth(this.o.lab.redis, this.o.who, id, health).catch((err: unknown) =>
      this.o.say(`agent ${this.o.who.agent}: could not record a board's health in the lab: ${this.o.lab.redact(err instanceof Error ? err.message : String(err))}`));
    const changed = before?.state !== health.state || (health.state === 'unhealthy' && before.state === 'unhealthy' && before.reason !== health.reason);
    if (changed) {
      const name = this.o.session.boards.find((b) => b.id === id)?.name ?? id;
      this.o.say(`agent ${this.o.who.agent}: ${name} ${health.state}${health.state === 'unhealthy' ? `: ${health.reason}` : ''}`);
    }
  }

  /** From now on, every unhealthy board is looked at again every RECHECK_EVERY_MS (one look at a time per board). */
  startRechecks(): void {
    this.timer = setInterval(() => {
      for (const [id, h] of this.states) {
        if (h.state !== 'unhealthy' || this.rechecking.has(id)) continue;
        this.rechecking.add(id);
        void this.checkNow([id]).finally(() => this.rechecking.delete(id));
      }
    }, this.o.recheckEveryMs ?? RECHECK_EVERY_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
