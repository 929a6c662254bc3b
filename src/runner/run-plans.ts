// A run: plans one after another, each on its boards in parallel. One
// board's failure never stops another; a board the rig could not open is
// reported as infrastructure with the reason, never as a test failure.
import { hostname } from 'node:os';
import type { Board, FirmwareImage } from '../core/board-contract.js';
import type { BenchBoard } from '../bench/schema.js';
import type { LoadedPlan } from '../plan/loader.js';
import type { BoardReport, RunReport } from '../report/model.js';
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
  onStep?: BoardRunInput['onStep'];
  onNote?: BoardRunInput['onNote'];
}

function unreachable(p: PlannedBoard, plan: string, err: Error): BoardReport {
  return {
    name: p.bench.name,
    platform: p.bench.platform,
    id: p.bench.id,
    plan,
    status: 'infra',
    diagnosis: `the rig could not reach the board: ${err.message}`,
    durationMs: 0,
    steps: [],
    artifacts: {},
  };
}

function interrupted(p: PlannedBoard, plan: string, reason: string): BoardReport {
  return { name: p.bench.name, platform: p.bench.platform, id: p.bench.id, plan, status: 'skip', diagnosis: `not run: ${reason}`, durationMs: 0, steps: [], artifacts: {} };
}

export async function runPlans(input: RunInput, report: RunReport = emptyReport(input)): Promise<RunReport> {
  for (const run of input.runs) {
    const plan = run.loaded.plan.name;
    const boards = await Promise.all(
      run.boards.map(async (p): Promise<BoardReport> => {
        if (p.board instanceof Error) return unreachable(p, plan, p.board);
        if (input.signal.aborted) return interrupted(p, plan, String(input.signal.reason ?? 'the run was interrupted'));
        return runBoard({
          board: p.board, loaded: run.loaded, firmware: p.firmware, timeScale: input.timeScale,
          signal: input.signal, onStep: input.onStep, onNote: input.onNote,
        });
      }),
    );
    report.boards.push(...boards);
  }
  report.endedAt = new Date().toISOString();
  if (input.signal.aborted) report.bailOut = { reason: String(input.signal.reason ?? 'the run was interrupted') };
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
