// A board's health check before its first job of a run: the board's own
// looks (on USB in a known mode, a control request, its serial port, online
// when the bench has a cloud), then the bench's health plan when it names
// one. What the runner does with the answer is its own: an unhealthy board
// runs no job and its jobs are infrastructure with the reason.
import { join } from 'node:path';
import { openBoard } from '../board/open-bench.js';
import type { BenchBoard } from '../bench/schema.js';
import type { Board, FirmwareImage, HealthReading } from '../core/board-contract.js';
import { BenchClock } from '../core/clock.js';
import type { LoadedPlan } from '../plan/loader.js';
import type { BoardHealth } from '../report/model.js';
import { boardVerdict } from '../report/verdict.js';
import type { BenchSession } from './bench-session.js';
import { lockBoard } from './board-lock.js';
import { runBoard, type BoardRunInput } from './run-board.js';

/** How long a health check may look, in board time, unless the bench says (health.timeout): a board that was off gets to boot and reach the cloud. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 120_000;

export interface HealthOptions {
  /** Board ms the looks may take together. */
  timeoutMs: number;
  /** The bench's health plan, prepared for each board it selects (keyed by device ID). */
  plan?: { loaded: LoadedPlan; firmware: ReadonlyMap<string, ReadonlyMap<string, FirmwareImage>> };
}

export interface HealthCheckInput {
  board: Board;
  options: HealthOptions;
  timeScale: number;
  signal: AbortSignal;
  onStep?: BoardRunInput['onStep'];
  onNote?: BoardRunInput['onNote'];
}

export async function checkBoardHealth(input: HealthCheckInput): Promise<BoardHealth> {
  const { board, options } = input;
  const started = Date.now();
  const clock = new BenchClock(input.timeScale);
  const reading = await board.health({ withinMs: clock.wallMsWithRigWork(options.timeoutMs), signal: input.signal });
  const health: BoardHealth = {
    name: board.name, platform: board.platform.name, id: board.id, healthy: reading.healthy,
    ...(reading.reason ? { reason: reading.reason } : {}), checks: reading.checks, durationMs: 0,
  };
  const plan = options.plan;
  const firmware = plan?.firmware.get(board.id);
  if (reading.healthy && plan && firmware) {
    const ran = await runBoard({
      board, loaded: plan.loaded, firmware, timeScale: input.timeScale, signal: input.signal, onStep: input.onStep, onNote: input.onNote,
    });
    const status = boardVerdict(ran);
    health.plan = { name: plan.loaded.plan.name, status, steps: ran.steps };
    if (status !== 'pass') {
      health.healthy = false;
      const failed = ran.steps.find((s) => s.status === 'fail' || s.status === 'infra');
      health.reason = `its health plan ${plan.loaded.plan.name} did not pass${failed ? `: ${failed.name}: ${failed.diagnosis ?? failed.status}` : ` (${status})`}`;
    }
  }
  health.durationMs = Date.now() - started;
  return health;
}

/**
 * Each board's own looks now, outside a run (`rig boards --health`, a lab
 * agent at start): each board locked meanwhile, so one a run is using is not
 * disturbed; a board that could not be checked says why in words.
 */
export async function checkBoardsNow(session: BenchSession, o: {
  timeScale: number;
  /** Board ms the looks may take together. */
  timeoutMs: number;
  /** Where the boards' captures go meanwhile. */
  dir: string;
  /** Who holds the boards' locks meanwhile, as a waiting run is told. */
  holder: string;
  signal?: AbortSignal;
  /** These boards only (device IDs); all the bench's when absent. */
  only?: readonly string[];
}): Promise<Map<string, HealthReading | string>> {
  const { timeoutMs, dir, signal, only } = o;
  const clock = new BenchClock(o.timeScale);
  const boards = only ? session.boards.filter((b) => only.includes(b.id)) : session.boards;
  const results = await Promise.all(boards.map(async (b: BenchBoard): Promise<[string, HealthReading | string]> => {
    let lock;
    try {
      lock = await lockBoard(b.id, { board: b.name, runId: o.holder }, { waitMs: 0 });
    } catch (err) {
      return [b.id, `not checked: ${err instanceof Error ? err.message : String(err)}`];
    }
    try {
      const board = await openBoard(session.access, b, join(dir, b.name));
      try {
        return [b.id, await board.health({ withinMs: clock.wallMsWithRigWork(timeoutMs), ...(signal ? { signal } : {}) })];
      } finally {
        await board.close();
      }
    } catch (err) {
      return [b.id, `UNHEALTHY: the rig could not open it: ${err instanceof Error ? err.message : String(err)}`];
    } finally {
      lock.release();
    }
  }));
  return new Map(results);
}
