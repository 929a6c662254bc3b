// expect-mode: the board shows this mode within `within` (board time; 30 s
// when not given, so a board still re-enumerating after a reset is not judged
// early; a match ends the wait at once). Another mode is a failure with a
// diagnosis (safe mode names the unmet dependency).
import type { ExpectModeStep } from '../../plan/steps-expect.js';
import { DEFAULT_WITHIN_MS } from '../context.js';
import { modeVerdict } from './mode.js';
import type { KindRunner } from '../result.js';

export const runExpectMode: KindRunner<ExpectModeStep> = async (step, ctx) => {
  ctx.note(`expecting ${step.mode} mode`);
  const withinMs = ctx.clock.wallMs(step.withinMs ?? DEFAULT_WITHIN_MS);
  const seen = await ctx.board.waitForPresence(step.mode, { withinMs, signal: ctx.signal });
  return modeVerdict(ctx, step.mode, seen ? step.mode : await ctx.board.presence(ctx.signal));
};
