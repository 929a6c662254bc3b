// wait: lets board time pass (scaled to wall time by the bench's time scale).
import type { WaitStep } from '../../plan/steps-board.js';
import { pass, type KindRunner } from '../result.js';

export const runWait: KindRunner<WaitStep> = async (step, ctx) => {
  ctx.note(`waiting ${step.durationMs} ms of board time`);
  await ctx.clock.sleep(step.durationMs, ctx.signal);
  return pass();
};
