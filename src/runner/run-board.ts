// One board through one plan: steps in order, each with its own time limit
// (board time, scaled to wall time), the plan's limit over all of them, and
// the run's cancellation. A failed step stops the board unless it says
// continue-on-failure; what was not run is reported as skipped, with why.
import type { Board, FirmwareImage } from '../core/board-contract.js';
import { BenchClock, MAX_TIMER_MS } from '../core/clock.js';
import type { StepResult } from '../core/domain.js';
import type { LoadedPlan } from '../plan/loader.js';
import type { Step } from '../plan/steps.js';
import type { BoardReport } from '../report/model.js';
import type { StepContext } from '../steps/context.js';
import { marksNow, runStep, stepTitle } from '../steps/index.js';

/** Board time a step may take when the plan gives it no timeout of its own. */
export const DEFAULT_STEP_TIMEOUT_MS = 10 * 60_000;

/** A step of a board begins (no result) or ends (with its result). */
export interface StepEvent {
  board: string;
  index: number;
  total: number;
  title: string;
  result?: StepResult;
}

export interface BoardRunInput {
  board: Board;
  loaded: LoadedPlan;
  firmware: ReadonlyMap<string, FirmwareImage>;
  timeScale: number;
  /** The run's cancellation (SIGINT, SIGTERM). */
  signal: AbortSignal;
  onStep?: (event: StepEvent) => void;
  onNote?: (board: string, note: string) => void;
}

function skipped(step: Step, why: string): StepResult {
  return { status: 'skip', name: stepTitle(step), durationMs: 0, skipReason: why };
}

/** Why a step that ended by abort ended: the run was stopped, the plan ran out, or the step's own limit. */
function abortedResult(result: StepResult, why: 'run' | 'plan' | 'step', limitMs: number, reason: string): StepResult {
  if (why === 'run') return { ...result, status: 'skip', skipReason: `run interrupted: ${reason}` };
  const which = why === 'plan' ? 'the plan\'s timeout' : 'the step\'s timeout';
  return {
    ...result,
    status: result.status === 'infra' ? 'infra' : 'fail',
    diagnosis: `${which} (${limitMs / 1000} s board time) ran out during this step${result.diagnosis ? `; ${result.diagnosis}` : ''}`,
  };
}

export async function runBoard(input: BoardRunInput): Promise<BoardReport> {
  const { board, loaded } = input;
  const clock = new BenchClock(input.timeScale);
  const plan = loaded.plan;
  const started = Date.now();
  const planSignal = AbortSignal.timeout(Math.min(MAX_TIMER_MS, clock.wallMs(plan.timeoutMs)));
  const ctx: StepContext = {
    board,
    firmware: (name) => {
      const fw = input.firmware.get(name);
      if (!fw) throw new Error(`firmware '${name}' was not prepared for ${board.name}`);
      return fw;
    },
    clock,
    signal: input.signal,
    note: (text) => input.onNote?.(board.name, text),
    // Log and event look-backs start here, not at earlier plans on the same board.
    planStart: marksNow(board),
  };
  const results: StepResult[] = [];
  let stopReason: string | undefined;
  for (const [index, step] of plan.steps.entries()) {
    const title = stepTitle(step);
    if (stopReason) {
      results.push(skipped(step, stopReason));
      continue;
    }
    input.onStep?.({ board: board.name, index, total: plan.steps.length, title });
    // A repeat holds many steps: without a limit of its own it has the plan's.
    const stepLimitMs = step.timeoutMs ?? (step.kind === 'repeat' ? plan.timeoutMs : DEFAULT_STEP_TIMEOUT_MS);
    const stepSignal = AbortSignal.timeout(Math.min(MAX_TIMER_MS, clock.wallMs(stepLimitMs)));
    ctx.signal = AbortSignal.any([input.signal, planSignal, stepSignal]);
    let result = await runStep(step, ctx);
    if (input.signal.aborted) result = abortedResult(result, 'run', 0, String(input.signal.reason ?? 'cancelled'));
    else if (planSignal.aborted) result = abortedResult(result, 'plan', plan.timeoutMs, '');
    else if (stepSignal.aborted && result.status !== 'pass') result = abortedResult(result, 'step', stepLimitMs, '');
    results.push(result);
    input.onStep?.({ board: board.name, index, total: plan.steps.length, title, result });
    if (input.signal.aborted) stopReason = 'not run: the run was interrupted';
    else if (planSignal.aborted) stopReason = 'not run: the plan\'s timeout ran out';
    else if (result.status === 'infra') stopReason = 'not run: the rig lost its reach to the board (see the infrastructure failure above)';
    else if (result.status === 'fail' && !step.continueOnFailure) stopReason = `not run: step ${index + 1} (${title}) failed`;
  }
  return {
    name: board.name,
    platform: board.platform.name,
    id: board.id,
    plan: plan.name,
    status: 'skip', // the report's verdict rule raises it to the worst step status
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    steps: results,
    artifacts: { trace: board.log.file, ...(board.events ? { events: board.events.file } : {}) },
  };
}
