// One board through one plan: steps in order under the plan's limit and each
// step's own (limits.ts, the one owner of both), and the run's cancellation.
// A step that runs past a limit the plan set fails; a plan that runs out
// fails the step it interrupted and skips the rest. A failed step stops the
// board unless it says continue-on-failure (whatever its status: a plan that
// recovers a board must get to try); what was not run is reported as skipped,
// with why. When the plan ends, the bench is put back as it was (armed faults
// disarmed, link restored, power on, cable in) and the board waited for, so
// the next plan starts clean; the report says what was restored.
import type { Board, FirmwareImage } from '../core/board-contract.js';
import { BenchClock } from '../core/clock.js';
import type { StepResult } from '../core/domain.js';
import type { LoadedPlan } from '../plan/loader.js';
import type { Step } from '../plan/steps.js';
import type { BoardReport } from '../report/model.js';
import type { StepContext } from '../steps/context.js';
import { marksNow, runStep, stepTitle } from '../steps/index.js';
import { BoardLimits } from './limits.js';

/** A step of a board begins (no result) or ends (with its result). */
export interface StepEvent {
  board: string;
  /** The plan of the job the step belongs to, and the job's place among the board's jobs of the run. */
  plan: string;
  job: { index: number; total: number };
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
  /** This job's place among the board's jobs of the run (default: its only one). */
  job?: { index: number; total: number };
  /** The run's cancellation (SIGINT, SIGTERM). */
  signal: AbortSignal;
  onStep?: (event: StepEvent) => void;
  onNote?: (board: string, note: string) => void;
}

function skipped(step: Step, why: string): StepResult {
  return { status: 'skip', name: stepTitle(step), durationMs: 0, skipReason: why };
}

/** A step the run's cancellation cut short was not carried out: a skip, with why. One that passed first stays passed. */
function interrupted(result: StepResult, reason: unknown): StepResult {
  if (result.status === 'pass') return result;
  return { ...result, status: 'skip', skipReason: `run interrupted: ${String(reason ?? 'cancelled')}` };
}

export async function runBoard(input: BoardRunInput): Promise<BoardReport> {
  const { board, loaded } = input;
  const clock = new BenchClock(input.timeScale);
  const plan = loaded.plan;
  const job = input.job ?? { index: 0, total: 1 };
  const started = Date.now();
  const limits = new BoardLimits({ plan: { name: plan.name, timeoutMs: plan.timeoutMs }, clock, run: input.signal });
  const ctx: StepContext = {
    board,
    firmware: (name) => {
      const fw = input.firmware.get(name);
      if (!fw) throw new Error(`firmware '${name}' was not prepared for ${board.name}`);
      return fw;
    },
    clock,
    signal: limits.signal,
    limitStep: (step, title, signal) => limits.forStep(step, title, signal),
    note: (text) => {
      limits.note(text);
      input.onNote?.(board.name, text);
    },
    // Log and event look-backs start here, not at earlier plans on the same board.
    planStart: marksNow(board),
  };
  const results: StepResult[] = [];
  let stopReason: string | undefined;
  try {
    for (const [index, step] of plan.steps.entries()) {
      const title = stepTitle(step);
      stopReason ??= whyStop(input.signal, limits);
      if (stopReason) {
        results.push(skipped(step, stopReason));
        continue;
      }
      input.onStep?.({ board: board.name, plan: plan.name, job, index, total: plan.steps.length, title });
      let result = await runStep(step, ctx);
      if (input.signal.aborted) result = interrupted(result, input.signal.reason);
      results.push(result);
      input.onStep?.({ board: board.name, plan: plan.name, job, index, total: plan.steps.length, title, result });
      stopReason = whyStop(input.signal, limits);
      if (stopReason || step.continueOnFailure) continue;
      if (result.status === 'infra') stopReason = 'not run: the rig lost its reach to the board (see the infrastructure failure above)';
      else if (result.status === 'fail') stopReason = `not run: step ${index + 1} (${title}) failed`;
    }
  } finally {
    limits.clear();
  }
  const restored = input.signal.aborted ? undefined : await restoreBench(board, input.signal);
  return {
    name: board.name,
    platform: board.platform.name,
    id: board.id,
    plan: plan.name,
    status: 'skip', // the report's verdict rule raises it to the worst step status
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    steps: results,
    ...(restored ? { restored } : {}),
    artifacts: { trace: board.log.file, ...(board.events ? { events: board.events.file } : {}) },
    ...usbDuring(board, started),
  };
}

/**
 * The boots and modes of the job, for the report's timeline: those from its
 * start on, and the boot and mode the board was in when it began.
 */
function usbDuring(board: Board, started: number): Pick<BoardReport, 'boots' | 'modes'> {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const boots = board.boots.list();
  const first = boots.findLastIndex((b) => b.startedAt <= started);
  const modes = board.boots.modes();
  const firstMode = modes.findLastIndex((m) => m.at <= started);
  return {
    boots: boots.slice(Math.max(0, first)).map((b) => ({
      number: b.number, why: b.why, startedAt: iso(b.startedAt), seenAt: iso(b.seenAt), logSeq: b.logSeq, eventSeq: b.eventSeq,
    })),
    modes: modes.slice(Math.max(0, firstMode)).map((m) => ({ at: iso(m.at), mode: m.mode })),
  };
}

/** Puts the bench back after a plan; what it did, or why the board is not back (the next plan's first step will say so too). */
async function restoreBench(board: Board, signal: AbortSignal): Promise<BoardReport['restored']> {
  try {
    const done = await board.restore(signal);
    return done.length ? { done } : undefined;
  } catch (err) {
    if (signal.aborted) return undefined;
    return { done: [], problem: err instanceof Error ? err.message : String(err) };
  }
}

/** Why no further step runs on this board whatever the last one did: the run was stopped, or the plan's time ran out. */
function whyStop(run: AbortSignal, limits: BoardLimits): string | undefined {
  if (run.aborted) return 'not run: the run was interrupted';
  if (limits.planRanOut) return 'not run: the plan\'s timeout ran out';
  return undefined;
}
