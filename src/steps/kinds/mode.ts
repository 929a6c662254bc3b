// mode: enters normal, listening, DFU or safe mode, then reads the mode back.
// A board that lands in another mode (most often safe mode, from a module
// dependency) failed the step: that is the firmware's doing, not the rig's,
// even when the board layer gave up waiting for the mode it asked for.
import type { BoardPresence } from '../../core/board-contract.js';
import { UnsupportedError } from '../../core/errors.js';
import type { ModeStep } from '../../plan/steps-board.js';
import type { StepContext } from '../context.js';
import { diagnoseFailure, diagnosisFields } from '../judging/evidence.js';
import { fail, pass, type KindRunner, type StepBody } from '../result.js';

async function presenceOrUndefined(ctx: StepContext): Promise<BoardPresence | undefined> {
  try {
    return await ctx.board.presence(ctx.signal);
  } catch {
    return undefined;
  }
}

/** The step's verdict once the board shows `actual`; `request`: what the board layer said when the move fell short. */
export async function modeVerdict(ctx: StepContext, want: BoardPresence, actual: BoardPresence, request?: string): Promise<StepBody> {
  if (actual === want) return pass({ actual });
  const d = await diagnoseFailure(ctx, { mode: actual });
  const fields = diagnosisFields(d, `board is ${actual === 'absent' ? 'not on USB' : `in ${actual} mode`}, not in ${want} mode${request ? ` (${request})` : ''}`);
  return fail(want, actual, request ? { ...fields, details: { ...fields.details, request } } : fields);
}

export const runMode: KindRunner<ModeStep> = async (step, ctx) => {
  ctx.note(`entering ${step.mode} mode`);
  try {
    await ctx.board.enterMode(step.mode, ctx.signal);
  } catch (err) {
    if (err instanceof UnsupportedError || ctx.signal.aborted) throw err;
    // The board is there but elsewhere: a firmware failure. Not there at all: the rig's reach.
    const actual = await presenceOrUndefined(ctx);
    if (actual === undefined || actual === 'absent') throw err;
    return modeVerdict(ctx, step.mode, actual, (err as Error).message);
  }
  return modeVerdict(ctx, step.mode, await ctx.board.presence(ctx.signal));
};
