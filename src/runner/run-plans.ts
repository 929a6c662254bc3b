// A run as jobs: one per (plan, board). Each board runs its own jobs in plan
// order, after its health check; boards run in parallel, and no job waits
// for another board. One board's failure never stops another; a board the
// rig could not open or found unhealthy is reported as infrastructure with
// the reason, for each of its jobs, never as a test failure. The report
// lists the jobs in plan order, whatever order they ended in.
import { hostname } from 'node:os';
import type { Board, FirmwareImage } from '../core/board-contract.js';
import type { DeviceId } from '../core/domain.js';
import type { BenchBoard } from '../bench/schema.js';
import type { LoadedPlan } from '../plan/loader.js';
import type { BoardHealth, BoardReport, RunReport } from '../report/model.js';
import { notRunRow, stopReason } from './bail-out.js';
import { checkBoardHealth, type HealthOptions } from './health.js';
import { runBoard, type BoardRunInput } from './run-board.js';

export interface PlannedBoard {
  bench: BenchBoard;
  /** The opened board, or why it could not be opened. */
  board: Board | Error;
  firmware: ReadonlyMap<string, FirmwareImage>;
}

export interface PlannedRun {
  loaded: LoadedPlan;
  boards: PlannedBoard[];
}

export interface RunInput {
  runId: string;
  rigVersion: string;
  bench: string;
  timeScale: number;
  runs: PlannedRun[];
  signal: AbortSignal;
  /** The health check each board gets before its first job; none when absent. */
  health?: HealthOptions;
  onStep?: BoardRunInput['onStep'];
  onNote?: BoardRunInput['onNote'];
  /** A board's health check ended (healthy or not). */
  onHealth?: (health: BoardHealth, jobs: number) => void;
}

/** One board's jobs, in plan order: where each job's report goes. */
interface BoardQueue {
  bench: BenchBoard;
  board: Board | Error;
  jobs: { plan: number; slot: number; loaded: LoadedPlan; firmware: ReadonlyMap<string, FirmwareImage> }[];
}

function queuesOf(runs: readonly PlannedRun[]): BoardQueue[] {
  const queues = new Map<DeviceId, BoardQueue>();
  runs.forEach((run, plan) => {
    run.boards.forEach((p, slot) => {
      let q = queues.get(p.bench.id);
      if (!q) queues.set(p.bench.id, (q = { bench: p.bench, board: p.board, jobs: [] }));
      q.jobs.push({ plan, slot, loaded: run.loaded, firmware: p.firmware });
    });
  });
  return [...queues.values()];
}

export async function runPlans(input: RunInput, report: RunReport = emptyReport(input)): Promise<RunReport> {
  const slots: BoardReport[][] = input.runs.map((r) => new Array<BoardReport>(r.boards.length));
  const queues = queuesOf(input.runs);
  const health: (BoardHealth | undefined)[] = queues.map(() => undefined);
  await Promise.all(queues.map(async (q, qi) => {
    const put = (job: BoardQueue['jobs'][number], r: BoardReport) => void (slots[job.plan]![job.slot] = r);
    if (q.board instanceof Error) {
      for (const job of q.jobs) put(job, notRunRow(q.bench, job.loaded.plan.name, 'infra', `the rig could not reach the board: ${q.board.message}`));
      return;
    }
    const board = q.board;
    let unhealthy: string | undefined;
    if (input.health && !input.signal.aborted) {
      try {
        const h = await checkBoardHealth({ board, options: input.health, timeScale: input.timeScale, signal: input.signal, onStep: input.onStep, onNote: input.onNote });
        health[qi] = h;
        input.onHealth?.(h, q.jobs.length);
        if (!h.healthy) unhealthy = `the board failed its health check: ${h.reason ?? 'unhealthy'}`;
      } catch (err) {
        // Only the run's own stop or a fault of the rig's gets here: the board's looks say what they saw.
        if (!input.signal.aborted) unhealthy = `the board's health check could not be made: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    for (const [index, job] of q.jobs.entries()) {
      const plan = job.loaded.plan.name;
      if (unhealthy) put(job, notRunRow(q.bench, plan, 'infra', unhealthy));
      else if (input.signal.aborted) put(job, notRunRow(q.bench, plan, 'skip', `not run: ${stopReason(input.signal)}`));
      else {
        put(job, await runBoard({
          board, loaded: job.loaded, firmware: job.firmware, timeScale: input.timeScale, job: { index, total: q.jobs.length },
          signal: input.signal, onStep: input.onStep, onNote: input.onNote,
        }));
      }
    }
  }));
  for (const plan of slots) report.boards.push(...plan.filter((r): r is BoardReport => r !== undefined));
  const checked = health.filter((h): h is BoardHealth => h !== undefined);
  if (checked.length) report.health = checked;
  report.endedAt = new Date().toISOString();
  if (input.signal.aborted) report.bailOut = { reason: stopReason(input.signal) };
  return report;
}

/** The report a run starts with; also what is written when a run is cut short before any board finished. */
export function emptyReport(input: Pick<RunInput, 'runId' | 'rigVersion' | 'bench' | 'runs'>): RunReport {
  const now = new Date().toISOString();
  return {
    runId: input.runId,
    startedAt: now,
    endedAt: now,
    rigVersion: input.rigVersion,
    bench: input.bench,
    host: hostname(),
    plans: input.runs.map((r) => ({ name: r.loaded.plan.name, file: r.loaded.file })),
    boards: [],
  };
}
