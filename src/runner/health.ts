// A board's health check before its first job of a run: the board's own
// looks (on USB in a known mode, a control request, its serial port, online
// when the bench has a cloud), then the bench's health plan when it names
// one. What the runner does with the answer is its own: an unhealthy board
// runs no job and its jobs are infrastructure with the reason.
import type { Board, FirmwareImage } from '../core/board-contract.js';
import { BenchClock } from '../core/clock.js';
import type { LoadedPlan } from '../plan/loader.js';
import type { BoardHealth } from '../report/model.js';
import { boardVerdict } from '../report/verdict.js';
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
