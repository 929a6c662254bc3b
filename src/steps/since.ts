// Where an expectation starts looking in the captures. `match` expectations
// (expect-log match, expect-event) look from the start of the previous step,
// so what a flash or reset made the board say while it ran counts; `absent`
// for the log looks at the whole plan so far. The plan's first step looks
// from the plan's start.
import type { CaptureMarks, StepContext } from './context.js';

const ORIGIN: CaptureMarks = { logSeq: 0, eventSeq: 0 };

export function sincePreviousStep(ctx: StepContext): CaptureMarks {
  return ctx.previousStep ?? ctx.planStart ?? ORIGIN;
}

export function sincePlanStart(ctx: StepContext): CaptureMarks {
  return ctx.planStart ?? ORIGIN;
}
