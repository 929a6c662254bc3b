// power: switches the board's power (a hub port through uhubctl, or the
// bench's control service). `off` returns once the board is gone; `on` and
// `cycle` once it is back, in a new boot, within the step's `within` (a
// board that does not come back is infrastructure, with the reason). A bench
// that names no way to do it makes the board layer throw UnsupportedError,
// which runStep reports as a SKIP.
import type { PowerStep } from '../../plan/steps-board.js';
import { pass, type KindRunner } from '../result.js';

export const runPower: KindRunner<PowerStep> = async (step, ctx) => {
  ctx.note(`power ${step.action}`);
  await ctx.board.power(step.action, ctx.signal, step.withinMs !== undefined ? { withinMs: ctx.clock.wallMsWithRigWork(step.withinMs) } : undefined);
  return pass();
};
