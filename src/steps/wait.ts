// wait: lets board time pass (scaled to wall time by the bench's time scale).
import type { WaitStep } from '../plan/steps-board.js';
import { wallMs } from './context.js';
import { sleep } from './poll.js';
import { pass, type KindRunner } from './result.js';

export const runWait: KindRunner<WaitStep> = async (step, ctx) => {
  ctx.note(`waiting ${step.durationMs} ms of board time`);
  await sleep(wallMs(ctx, step.durationMs), ctx.signal);
  return pass();
};
