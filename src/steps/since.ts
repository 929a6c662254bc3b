// Where an expectation starts looking in the captures. `match` expectations
// (expect-log match, expect-event, expect-reset) look from the start of the
// last step that acted on the board (flash, mode, reset, power, fault), so
// what the board said while that step ran counts, and expectations in
// between do not move the start: `reset`, `expect-mode`, `expect-log` still
// sees the boot lines printed during the reset. `absent` for the log looks
// at the whole plan so far. Before any action: from the plan's start.
// `after: previous` narrows a match expectation's start further (order.ts).
import type { CaptureMarks, StepContext } from './context.js';

const ORIGIN: CaptureMarks = { logSeq: 0, eventSeq: 0 };

export function sinceLastAction(ctx: StepContext): CaptureMarks {
  return ctx.lastAction ?? ctx.planStart ?? ORIGIN;
}

export function sincePlanStart(ctx: StepContext): CaptureMarks {
  return ctx.planStart ?? ORIGIN;
}
