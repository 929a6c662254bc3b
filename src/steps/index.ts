// The steps layer's public face: runStep dispatches a plan step to the
// module of its kind, under the rules of run-step.ts.
import type { StepResult } from '../core/domain.js';
import type { Step } from '../plan/steps.js';
import { runCall } from './kinds/call.js';
import type { StepContext } from './context.js';
import { runExpectApp } from './kinds/expect-app.js';
import { runExpectEvent } from './kinds/expect-event.js';
import { runExpectLog } from './kinds/expect-log.js';
import { runExpectMode } from './kinds/expect-mode.js';
import { runExpectModules } from './kinds/expect-modules.js';
import { runExpectReset } from './kinds/expect-reset.js';
import { runFault } from './kinds/fault.js';
import { runFlash } from './kinds/flash.js';
import { runInspect } from './kinds/inspect.js';
import { runMode } from './kinds/mode.js';
import { runPower } from './kinds/power.js';
import { repeatRunner } from './kinds/repeat.js';
import { runReset } from './kinds/reset.js';
import type { KindRunner } from './result.js';
import { executeStep } from './run-step.js';
import { runWait } from './kinds/wait.js';

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
export { diagnose, type Diagnosis, type Evidence } from './judging/diagnose.js';
export { stepTitle } from './title.js';
