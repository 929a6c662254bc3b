// The steps layer's public face: runStep dispatches a plan step to the
// module of its kind, under the rules of run-step.ts.
import type { StepResult } from '../core/domain.js';
import type { Step } from '../plan/steps.js';
import { runCall } from './call.js';
import type { StepContext } from './context.js';
import { runExpectApp } from './expect-app.js';
import { runExpectEvent } from './expect-event.js';
import { runExpectLog } from './expect-log.js';
import { runExpectMode } from './expect-mode.js';
import { runExpectModules } from './expect-modules.js';
import { runExpectReset } from './expect-reset.js';
import { runFault } from './fault.js';
import { runFlash } from './flash.js';
import { runInspect } from './inspect.js';
import { runMode } from './mode.js';
import { runPower } from './power.js';
import { repeatRunner } from './repeat.js';
import { runReset } from './reset.js';
import type { KindRunner } from './result.js';
import { executeStep } from './run-step.js';
import { runWait } from './wait.js';

type Runners = { [K in Step['kind']]: KindRunner<Extract<Step, { kind: K }>> };

const RUNNERS: Runners = {
  flash: runFlash,
  mode: runMode,
  reset: runReset,
  power: runPower,
  'expect-app': runExpectApp,
  'expect-mode': runExpectMode,
  'expect-modules': runExpectModules,
  'expect-event': runExpectEvent,
  'expect-log': runExpectLog,
  'expect-reset': runExpectReset,
  wait: runWait,
  inspect: runInspect,
  fault: runFault,
  call: runCall,
  repeat: repeatRunner(runStep),
};

function dispatch(step: Step, ctx: StepContext): ReturnType<KindRunner<Step>> {
  return (RUNNERS[step.kind] as KindRunner<Step>)(step, ctx);
}

/** Runs one step on the context's board. Never throws for a board's doing; InputError (bad plan/firmware) is rethrown. */
export function runStep(step: Step, ctx: StepContext): Promise<StepResult> {
  return executeStep(step, ctx, dispatch);
}

export { marksNow, DEFAULT_WITHIN_MS, type StepContext, type StepRunner, type LastFlash, type CaptureMarks } from './context.js';
export { outcomeOf, worseStatus, type Outcome } from './outcome.js';
export { diagnose, type Diagnosis, type Evidence } from './diagnose.js';
export { stepTitle } from './title.js';
